// Chinese first, English switchable; the choice is kept in localStorage (it is not a secret).
// Every text in both languages side by side, [中文, English], so a new text cannot miss its translation.
const TEXTS = {
  'title': ['城市运行指挥大厅', 'City operations command hall'],
  'nav.map': ['地图', 'Map'],
  'nav.alarms': ['预警台', 'Alarm desk'],
  'nav.cases': ['案件', 'Cases'],
  'nav.kpis': ['考核', 'KPIs'],
  'nav.rules': ['规则', 'Rules'],
  'nav.screen': ['大屏', 'Big screen'],
  'live.on': ['实时', 'live'],
  'live.off': ['离线', 'offline'],
  'signout': ['退出', 'Sign out'],
  'signin.title': ['请输入 API 密钥', 'Enter your API key'],
  'signin.go': ['登录', 'Sign in'],
  'signin.bad': ['密钥无效', 'Unknown key'],
  'signin.error': ['无法连接 CityOps', 'Cannot reach CityOps'],
  'role.viewer': ['查看员', 'viewer'],
  'role.engineer': ['工程师', 'engineer'],
  'role.dispatcher': ['派遣员', 'dispatcher'],
  'role.admin': ['管理员', 'admin'],
  'role.open': ['本机（未配置密钥）', 'local (no keys configured)'],
  'state.ok': ['正常', 'OK'],
  'state.offline': ['离线', 'offline'],
  'state.alarm': ['预警', 'alarm'],
  'sev.blue': ['蓝色', 'blue'],
  'sev.yellow': ['黄色', 'yellow'],
  'sev.orange': ['橙色', 'orange'],
  'sev.red': ['红色', 'red'],
  'kind.manhole': ['智能井盖', 'manhole cover'],
  'kind.waterlog': ['积水监测', 'waterlogging gauge'],
  'kind.streetlight': ['单灯控制器', 'streetlight'],
  'kind.vehicle': ['渣土车', 'muck truck'],
  'kind.gas': ['燃气监测', 'gas monitor'],
  'kind.watersupply': ['供水管网监测', 'water supply'],
  'kind.drainage': ['排水监测', 'drainage'],
  'kind.bridge': ['桥梁监测', 'bridge'],
  'kind.heating': ['热力管网监测', 'heating network'],
  'kind.lampcabinet': ['路灯控制箱', 'lamp cabinet'],
  'status.filed': ['立案', 'filed'],
  'status.dispatched': ['派遣', 'dispatched'],
  'status.handled': ['处置', 'handled'],
  'status.verified': ['核查', 'verified'],
  'status.closed': ['结案', 'closed'],
  'status.all': ['全部状态', 'any status'],
  'action.file': ['立案', 'Filed'],
  'action.alarm': ['预警', 'Alarm'],
  'action.severity': ['级别', 'Severity'],
  'action.overdue': ['超期', 'Overdue'],
  'action.dispatch': ['派遣', 'Dispatch'],
  'action.handle': ['处置', 'Handle'],
  'action.verify': ['核查', 'Verify'],
  'action.close': ['结案', 'Close'],
  'action.rework': ['返工', 'Rework'],
  'action.postpone': ['延期', 'Postpone'],
  'action.cancel': ['作废', 'Cancel'],
  'device.title': ['设备', 'Device'],
  'device.registry': ['登记信息', 'Registry'],
  'device.last': ['最新读数', 'Last metrics'],
  'device.alarms': ['当前预警', 'Active alarms'],
  'device.cases': ['案件', 'Cases'],
  'device.none': ['无', 'none'],
  'device.kind': ['类型', 'kind'],
  'device.name': ['名称', 'name'],
  'device.code': ['部件编码', 'code'],
  'device.grid': ['单元网格', 'grid'],
  'device.unit': ['责任单位', 'unit'],
  'device.online': ['在线', 'online'],
  'device.lastSeen': ['最后上报', 'last seen'],
  'map.legend': ['图例', 'Legend'],
  'map.devices': ['设备', 'devices'],
  'map.grids': ['单元网格', 'unit grids'],
  'map.fences': ['电子围栏', 'geofences'],
  'cases.filter.unit': ['责任单位', 'unit'],
  'cases.filter.grid': ['单元网格', 'grid'],
  'cases.filter.go': ['筛选', 'Filter'],
  'cases.none': ['没有案件', 'No cases'],
  'cases.select': ['选择一个案件查看详情', 'Select a case to see it'],
  'case.id': ['编号', 'id'],
  'case.code': ['编码', 'code'],
  'case.title': ['标题', 'title'],
  'case.severity': ['级别', 'severity'],
  'case.status': ['状态', 'status'],
  'case.unit': ['责任单位', 'unit'],
  'case.grid': ['单元网格', 'grid'],
  'case.device': ['设备', 'device'],
  'case.rule': ['规则', 'rule'],
  'case.value': ['当前值', 'value'],
  'case.peak': ['峰值', 'peak'],
  'case.opened': ['立案时间', 'opened'],
  'case.due': ['处置时限', 'due'],
  'case.left': ['剩余', 'left'],
  'case.overdue': ['已超期', 'overdue'],
  'case.history': ['历史', 'History'],
  'case.actions': ['操作', 'Actions'],
  'case.note': ['备注', 'note'],
  'case.newDue': ['新时限', 'new due time'],
  'case.dispatchUnit': ['派遣单位', 'unit'],
  'case.alarm': ['预警中', 'alarm active'],
  'case.done': ['已执行', 'done'],
  'case.noActions': ['当前状态没有可执行的操作', 'No action is possible from this status'],
  'kpis.from': ['起', 'from'],
  'kpis.to': ['止', 'to'],
  'kpis.go': ['查询', 'Show'],
  'kpis.unit': ['单位', 'unit'],
  'kpis.overall': ['合计', 'overall'],
  'kpis.dispatched': ['派遣数', 'dispatched'],
  'kpis.toHandle': ['应处置', 'to handle'],
  'kpis.handled': ['处置数', 'handled'],
  'kpis.handleRate': ['处置率', 'handle rate'],
  'kpis.onTimeHandleRate': ['按期处置率', 'on-time handle rate'],
  'kpis.closeRate': ['结案率', 'close rate'],
  'kpis.onTimeCloseRate': ['按期结案率', 'on-time close rate'],
  'kpis.reworkRate': ['返工率', 'rework rate'],
  'kpis.overdueRate': ['超期待处置率', 'overdue rate'],
  'rules.inForce': ['当前规则', 'Rules in force'],
  'rules.version': ['版本', 'version'],
  'rules.versions': ['版本历史', 'Versions'],
  'rules.editor': ['编辑', 'Edit'],
  'rules.file': ['文件名', 'file name'],
  'rules.load': ['打开本地文件', 'Open a local file'],
  'rules.validate': ['校验', 'Validate'],
  'rules.apply': ['应用', 'Apply'],
  'rules.valid': ['校验通过：{n} 条规则', 'Valid: {n} rules'],
  'rules.applied': ['已应用：版本 {v}', 'Applied: version {v}'],
  'rules.errors': ['错误', 'Errors'],
  'rules.note': ['API 不返回规则源文件：打开规则文件（rules/*.yaml）或粘贴 YAML。应用会以此文件替换整个规则集。', 'The API does not return rule sources: open a rule file (rules/*.yaml) or paste YAML. Apply replaces the whole rule set with this file.'],
  'rules.readonly': ['只有工程师及以上角色可以校验和应用规则。', 'Only engineers and above may validate and apply rules.'],
  'rules.author': ['作者', 'author'],
  'rules.changed': ['变更', 'changes'],
  'screen.title': ['城市运行态势', 'City at a glance'],
  'screen.alarms': ['当前预警', 'Active alarms'],
  'screen.open': ['未结案件', 'Open cases'],
  'screen.overdue': ['超期', 'overdue'],
  'screen.flood': ['积水监测', 'Waterlogging gauges'],
  'screen.full': ['全屏', 'Full screen'],
  'screen.flood.none': ['无积水', 'dry'],
  'screen.devices': ['设备在线', 'devices online'],
  'alarms.title': ['预警台', 'Alarm desk'],
  'alarm.title': ['预警', 'Alarm'],
  'alarm.none': ['没有符合条件的预警', 'No alarms match'],
  'alarm.raised': ['发生时间', 'Raised'],
  'alarm.disposition': ['处置', 'Disposition'],
  'alarm.disposition.pending': ['待核实', 'awaiting confirmation'],
  'alarm.disposition.filed': ['已立案', 'filed'],
  'alarm.disposition.dismissed': ['已排除', 'dismissed'],
  'alarm.disposition.maintenance': ['设备维护', 'device upkeep'],
  'alarm.status.active': ['当前', 'active'],
  'alarm.status.cleared': ['已消除', 'cleared'],
  'alarm.status.all': ['全部', 'all'],
  'alarm.severity.all': ['全部级别', 'all severities'],
  'alarm.ack.all': ['确认状态', 'acknowledged or not'],
  'alarm.ack.false': ['未确认', 'not acknowledged'],
  'alarm.ack.true': ['已确认', 'acknowledged'],
  'alarm.queue.alarms': ['预警', 'Alarms'],
  'alarm.queue.maintenance': ['设备维护队列', 'Device upkeep'],
  'alarm.flapping': ['频繁波动', 'flapping'],
  'alarm.suppressed': ['已抑制', 'suppressed'],
  'alarm.acknowledgedBy': ['确认人', 'acknowledged by'],
  'alarm.action.acknowledge': ['确认', 'Acknowledge'],
  'alarm.action.file': ['核实立案', 'File a case'],
  'alarm.action.dismiss': ['排除', 'Dismiss'],
  'alarm.action.close': ['关闭', 'Close'],
  'alarm.reason': ['请填写排除原因（误报/无需立案）', 'Reason for dismissing (false alarm / no case needed)'],
  'error': ['出错了', 'Something went wrong'],
};

let lang = localStorage.getItem('cityops.lang') === 'en' ? 'en' : 'zh';
const listeners = [];

export const language = () => lang;

export function t(key, vars = {}) {
  const text = TEXTS[key]?.[lang === 'en' ? 1 : 0] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
}

export function applyStatic(root = document) {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

export function toggle() {
  lang = lang === 'en' ? 'zh' : 'en';
  localStorage.setItem('cityops.lang', lang);
  applyStatic();
  for (const fn of listeners) fn();
}

export const onChange = fn => listeners.push(fn);

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}

export function fmtDuration(ms) {
  const sign = ms < 0 ? '-' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const pad = n => String(n).padStart(2, '0');
  return `${sign}${d ? d + 'd ' : ''}${pad(h)}:${pad(m)}:${pad(s)}`;
}

export function pct(x) {
  return x === null || x === undefined ? '—' : (x * 100).toFixed(1) + '%';
}
