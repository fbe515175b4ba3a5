// One MQTT.js publish, as a device using the most common JavaScript client would make it.
// Usage: node publish.mjs <port> <protocolVersion 3|4|5> <qos> <topic> <payload> [retain]
// Prints one JSON line: {"ok":true,"reasonCode":0} or {"ok":false,"error":"..."}; exit code 0 when published.
import mqtt from "mqtt";

const [port, version, qos, topic, payload, retain] = process.argv.slice(2);
const client = mqtt.connect({
  host: "127.0.0.1",
  port: Number(port),
  protocolVersion: Number(version),
  ...(Number(version) === 3 ? { protocolId: "MQIsdp" } : {}),
  // No client id, clean session: the broker assigns one (MQTT 3.1 requires an id, so MQTT.js's default is kept there).
  ...(Number(version) === 3 ? {} : { clientId: "" }),
  clean: true,
  reconnectPeriod: 0,
  connectTimeout: 20000,
});
const done = (result, code) => {
  console.log(JSON.stringify(result));
  client.end(false, () => process.exit(code));
};
client.on("error", (e) => done({ ok: false, error: String(e.message ?? e) }, 1));
client.on("connect", () => {
  client.publish(topic, payload, { qos: Number(qos), retain: retain === "retain" }, (err, packet) => {
    if (err) {
      done({ ok: false, error: String(err.message ?? err), reasonCode: err.code ?? null }, 1);
    } else {
      done({ ok: true, reasonCode: packet?.reasonCode ?? 0 }, 0);
    }
  });
});
