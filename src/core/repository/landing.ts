// What the steps that land a verified change report: apply (the commit in the worktree),
// rebase onto the target, integrate (landed, proposed as a branch or pull request, or the target
// moved) and push. Crosses the Temporal boundary (plain JSON, small).
import type { PullRequestLink } from '../types.js';

export interface ApplyResult {
  commit: string;
  backupRef: string;
  filesChanged: string[];
}

/** What pushBranch did: the branch is on the remote at the verified commit. */
export interface PushResult {
  /** The remote's name (e.g. origin), never its URL with credentials. */
  remote: string;
  branch: string;
  commit: string;
  /** An earlier attempt had pushed it already (ls-remote showed the commit). */
  alreadyThere: boolean;
}

export interface RebaseResult {
  ok: boolean;
  commit?: string;
  baseCommit?: string;
  /** Tree of the new base commit. */
  baseTree?: string;
  reason?: string;
  /** The target branch already has this change (another run landed the same fix): nothing to land. */
  alreadyOnTarget?: boolean;
}

export type IntegrateResult =
  | { kind: 'applied'; commit: string; reason: string }
  | { kind: 'proposed'; branch: string; commit: string; reason: string; pullRequest?: PullRequestLink }
  | { kind: 'target_moved'; targetCommit: string; reason: string };
