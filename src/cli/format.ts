// Human-readable output of results and progress.
import type { ImprovementResult } from '../core/types.js';
import type { Progress } from '../core/improvement/progress.js';

const ICON: Record<ImprovementResult['outcome'], string> = {
  applied: '✔',
  proposed: '➜',
  skipped: '·',
  rolled_back: '↺',
  failed: '✘',
};

export function formatResult(result: ImprovementResult, link?: string): string {
  const lines = [`${ICON[result.outcome]} ${result.outcome}: ${result.file ?? '(no file)'} in ${result.repo}`, `  ${result.reason}`];
  if (result.commit) lines.push(`  commit ${result.commit.slice(0, 12)}${result.branch ? ` on ${result.branch}` : ''}`);
  else if (result.branch) lines.push(`  branch ${result.branch}`);
  if (result.findingsFixed) lines.push(`  fixed ${result.findingsFixed} findings (${result.fixedRules.join(', ')}), +${result.linesAdded} −${result.linesRemoved} lines`);
  if (result.backupRef) lines.push(`  backup ref ${result.backupRef}`);
  if (link) lines.push(`  ${link}`);
  return lines.join('\n');
}

export function formatProgress(p: Progress): string {
  const bar = progressBar(p.percent);
  const head = `${p.workflowId}\n${bar} ${p.percent}%  step: ${p.step}${p.paused ? ` (paused before ${p.pausedAt ?? p.step})` : ''}${p.waitingFor ? ` (waiting for ${p.waitingFor})` : ''}`;
  const updates = p.updates.map((u) => `  ${u.at.slice(11, 19)}  [${u.step}] ${u.message}`);
  const tail = p.result ? ['', formatResult(p.result)] : [];
  return [head, ...updates, ...tail].join('\n');
}

export function progressBar(percent: number, width = 24): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
