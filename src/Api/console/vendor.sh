#!/usr/bin/env bash
# Copies the console's third-party browser files from npm into ../wwwroot/vendor, where they are committed:
# `dotnet run` then needs no npm, and the command hall needs no CDN. Run after changing package.json:
#   cd src/Api/console && npm ci --ignore-scripts && ./vendor.sh
set -euo pipefail
cd "$(dirname "$0")"
out=../wwwroot/vendor
rm -rf "$out/leaflet"
mkdir -p "$out/leaflet/images"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$out/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$out/leaflet/images/"
cp node_modules/leaflet/LICENSE "$out/leaflet/LICENSE"
echo "leaflet $(node -p "require('./node_modules/leaflet/package.json').version")" > "$out/VERSIONS"
