// Each command's module, imported only when its command runs, so `kaizen --help` loads none of
// them. The compiled CLI keeps these in a second file that it loads on the first call
// (scripts/cli-bundle.ts), and `--help` reads only the small one with the command tree.
export const commandModules = {
  codecServer: () => import('./codec-server.js'),
  config: () => import('./config.js'),
  control: () => import('./control.js'),
  cycle: () => import('./cycle.js'),
  demo: () => import('./demo.js'),
  dev: () => import('./dev.js'),
  doctor: () => import('./doctor/command.js'),
  governor: () => import('./governor.js'),
  improve: () => import('./improve.js'),
  log: () => import('./log.js'),
  prs: () => import('./prs.js'),
  report: () => import('./report.js'),
  schedule: () => import('./schedule.js'),
  stats: () => import('./stats.js'),
  undo: () => import('./undo.js'),
  watch: () => import('./watch.js'),
  webhookServer: () => import('./webhook-server.js'),
};
