// Chinese first, English switchable; the choice is kept in localStorage (it is not a secret).
const zh = {
  'title': '城市运行指挥大厅',
  'nav.map': '地图', 'nav.alarms': '预警台', 'nav.cases': '案件', 'nav.kpis': '考核', 'nav.rules': '规则', 'nav.screen': '大屏',
  'live.on': '实时', 'live.off': '离线', 'signout': '退出',
  'signin.title': '请输入 API 密钥', 'signin.go': '登录', 'signin.bad': '密钥无效', 'signin.error': '无法连接 CityOps',
  'role.viewer': '查看员', 'role.engineer': '工程师', 'role.dispatcher': '派遣员', 'role.admin': '管理员', 'role.open': '本机（未配置密钥）',
  'state.ok': '正常', 'state.offline': '离线', 'state.alarm': '预警',
  'sev.blue': '蓝色', 'sev.yellow': '黄色', 'sev.orange': '橙色', 'sev.red': '红色',
  'kind.manhole': '智能井盖', 'kind.waterlog': '积水监测', 'kind.streetlight': '单灯控制器', 'kind.vehicle': '渣土车',
  'status.filed': '立案', 'status.dispatched': '派遣', 'status.handled': '处置', 'status.verified': '核查', 'status.closed': '结案', 'status.all': '全部状态',
  'action.dispatch': '派遣', 'action.handle': '处置', 'action.verify': '核查', 'action.close': '结案', 'action.rework': '返工', 'action.postpone': '延期', 'action.cancel': '作废',
  'device.title': '设备', 'device.registry': '登记信息', 'device.last': '最新读数', 'device.alarms': '当前预警', 'device.cases': '案件', 'device.none': '无',
  'device.kind': '类型', 'device.name': '名称', 'device.code': '部件编码', 'device.grid': '单元网格', 'device.unit': '责任单位', 'device.online': '在线', 'device.lastSeen': '最后上报',
  'map.legend': '图例', 'map.devices': '设备', 'map.grids': '单元网格', 'map.fences': '电子围栏',
  'cases.filter.unit': '责任单位', 'cases.filter.grid': '单元网格', 'cases.filter.go': '筛选', 'cases.none': '没有案件', 'cases.select': '选择一个案件查看详情',
  'case.id': '编号', 'case.code': '编码', 'case.title': '标题', 'case.severity': '级别', 'case.status': '状态', 'case.unit': '责任单位', 'case.grid': '单元网格',
  'case.device': '设备', 'case.rule': '规则', 'case.value': '当前值', 'case.peak': '峰值', 'case.opened': '立案时间', 'case.due': '处置时限', 'case.left': '剩余',
  'case.overdue': '已超期', 'case.history': '历史', 'case.actions': '操作', 'case.note': '备注', 'case.newDue': '新时限', 'case.dispatchUnit': '派遣单位', 'case.alarm': '预警中',
  'case.done': '已执行', 'case.noActions': '当前状态没有可执行的操作',
  'kpis.from': '起', 'kpis.to': '止', 'kpis.go': '查询', 'kpis.unit': '单位', 'kpis.overall': '合计',
  'kpis.dispatched': '派遣数', 'kpis.toHandle': '应处置', 'kpis.handled': '处置数', 'kpis.handleRate': '处置率', 'kpis.onTimeHandleRate': '按期处置率',
  'kpis.closeRate': '结案率', 'kpis.onTimeCloseRate': '按期结案率', 'kpis.reworkRate': '返工率', 'kpis.overdueRate': '超期待处置率',
  'rules.inForce': '当前规则', 'rules.version': '版本', 'rules.versions': '版本历史', 'rules.editor': '编辑', 'rules.file': '文件名',
  'rules.load': '打开本地文件', 'rules.validate': '校验', 'rules.apply': '应用', 'rules.valid': '校验通过：{n} 条规则', 'rules.applied': '已应用：版本 {v}',
  'rules.errors': '错误', 'rules.note': 'API 不返回规则源文件：打开规则文件（rules/*.yaml）或粘贴 YAML。应用会以此文件替换整个规则集。', 'rules.readonly': '只有工程师及以上角色可以校验和应用规则。',
  'rules.author': '作者', 'rules.changed': '变更',
  'screen.title': '城市运行态势', 'screen.alarms': '当前预警', 'screen.open': '未结案件', 'screen.overdue': '超期', 'screen.flood': '积水监测', 'screen.full': '全屏',
  'screen.flood.none': '无积水', 'screen.devices': '设备在线',
  'alarms.title': '预警台', 'alarms.pending': '预警台（预警、事件、设备维护队列）将在 /api/v1/alarms 上线后接入。当前由规则直接立案，请在“案件”中处置。',
  'error': '出错了',
};
const en = {
  'title': 'City operations command hall',
  'nav.map': 'Map', 'nav.alarms': 'Alarm desk', 'nav.cases': 'Cases', 'nav.kpis': 'KPIs', 'nav.rules': 'Rules', 'nav.screen': 'Big screen',
  'live.on': 'live', 'live.off': 'offline', 'signout': 'Sign out',
  'signin.title': 'Enter your API key', 'signin.go': 'Sign in', 'signin.bad': 'Unknown key', 'signin.error': 'Cannot reach CityOps',
  'role.viewer': 'viewer', 'role.engineer': 'engineer', 'role.dispatcher': 'dispatcher', 'role.admin': 'admin', 'role.open': 'local (no keys configured)',
  'state.ok': 'OK', 'state.offline': 'offline', 'state.alarm': 'alarm',
  'sev.blue': 'blue', 'sev.yellow': 'yellow', 'sev.orange': 'orange', 'sev.red': 'red',
  'kind.manhole': 'manhole cover', 'kind.waterlog': 'waterlogging gauge', 'kind.streetlight': 'streetlight', 'kind.vehicle': 'muck truck',
  'status.filed': 'filed', 'status.dispatched': 'dispatched', 'status.handled': 'handled', 'status.verified': 'verified', 'status.closed': 'closed', 'status.all': 'any status',
  'action.dispatch': 'Dispatch', 'action.handle': 'Handle', 'action.verify': 'Verify', 'action.close': 'Close', 'action.rework': 'Rework', 'action.postpone': 'Postpone', 'action.cancel': 'Cancel',
  'device.title': 'Device', 'device.registry': 'Registry', 'device.last': 'Last metrics', 'device.alarms': 'Active alarms', 'device.cases': 'Cases', 'device.none': 'none',
  'device.kind': 'kind', 'device.name': 'name', 'device.code': 'code', 'device.grid': 'grid', 'device.unit': 'unit', 'device.online': 'online', 'device.lastSeen': 'last seen',
  'map.legend': 'Legend', 'map.devices': 'devices', 'map.grids': 'unit grids', 'map.fences': 'geofences',
  'cases.filter.unit': 'unit', 'cases.filter.grid': 'grid', 'cases.filter.go': 'Filter', 'cases.none': 'No cases', 'cases.select': 'Select a case to see it',
  'case.id': 'id', 'case.code': 'code', 'case.title': 'title', 'case.severity': 'severity', 'case.status': 'status', 'case.unit': 'unit', 'case.grid': 'grid',
  'case.device': 'device', 'case.rule': 'rule', 'case.value': 'value', 'case.peak': 'peak', 'case.opened': 'opened', 'case.due': 'due', 'case.left': 'left',
  'case.overdue': 'overdue', 'case.history': 'History', 'case.actions': 'Actions', 'case.note': 'note', 'case.newDue': 'new due time', 'case.dispatchUnit': 'unit', 'case.alarm': 'alarm active',
  'case.done': 'done', 'case.noActions': 'No action is possible from this status',
  'kpis.from': 'from', 'kpis.to': 'to', 'kpis.go': 'Show', 'kpis.unit': 'unit', 'kpis.overall': 'overall',
  'kpis.dispatched': 'dispatched', 'kpis.toHandle': 'to handle', 'kpis.handled': 'handled', 'kpis.handleRate': 'handle rate', 'kpis.onTimeHandleRate': 'on-time handle rate',
  'kpis.closeRate': 'close rate', 'kpis.onTimeCloseRate': 'on-time close rate', 'kpis.reworkRate': 'rework rate', 'kpis.overdueRate': 'overdue rate',
  'rules.inForce': 'Rules in force', 'rules.version': 'version', 'rules.versions': 'Versions', 'rules.editor': 'Edit', 'rules.file': 'file name',
  'rules.load': 'Open a local file', 'rules.validate': 'Validate', 'rules.apply': 'Apply', 'rules.valid': 'Valid: {n} rules', 'rules.applied': 'Applied: version {v}',
  'rules.errors': 'Errors', 'rules.note': 'The API does not return rule sources: open a rule file (rules/*.yaml) or paste YAML. Apply replaces the whole rule set with this file.', 'rules.readonly': 'Only engineers and above may validate and apply rules.',
  'rules.author': 'author', 'rules.changed': 'changes',
  'screen.title': 'City at a glance', 'screen.alarms': 'Active alarms', 'screen.open': 'Open cases', 'screen.overdue': 'overdue', 'screen.flood': 'Waterlogging gauges', 'screen.full': 'Full screen',
  'screen.flood.none': 'dry', 'screen.devices': 'devices online',
  'alarms.title': 'Alarm desk', 'alarms.pending': 'The alarm desk (alarms, incidents, device-upkeep queue) is wired once /api/v1/alarms exists. Until then rules file cases directly: act on them under Cases.',
  'error': 'Something went wrong',
};

let lang = localStorage.getItem('cityops.lang') === 'en' ? 'en' : 'zh';
const listeners = [];

export const language = () => lang;

export function t(key, vars = {}) {
  const text = (lang === 'en' ? en : zh)[key] ?? zh[key] ?? key;
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
