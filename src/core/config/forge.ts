// The `remote` and `forge` keys: where push and pr modes deliver a verified branch.
import { z } from 'zod';
import { Duration } from './duration.js';
import { FORGE_KINDS } from '../forge/target.js';
import { MERGE_METHODS } from '../forge/types.js';


export const Remote = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'the name of a git remote of the checkout, e.g. origin')
  .default('origin')
  .describe('the git remote push and pr modes push kaizen/<id> branches to');

export const Forge = z
  .object({
    kind: z.enum(FORGE_KINDS).optional().describe('github, gitlab or gitea (Forgejo too); default: what the remote\'s host says'),
    repo: z
      .string()
      .regex(/^[^/\s]+(\/[^/\s]+)+$/, 'expected owner/name (GitLab: group/subgroup/project)')
      .optional()
      .describe('the repository on the forge; default: the path of the remote URL (needed for file:// remotes)'),
    labels: z.array(z.string().min(1)).default(['kaizen']).describe('labels of the pull requests Kaizen opens'),
    pollInterval: Duration.default('5m').describe('how often the workflow that follows an open pull request asks the forge about it'),
    autoMerge: z.boolean().default(false).describe('merge a pull request through the forge once its checks are green, at the commit Kaizen verified'),
    mergeMethod: z.enum(MERGE_METHODS).default('merge').describe('how autoMerge merges: merge, squash or rebase'),
    staleAfter: Duration.default('14d').describe('a pull request open longer than this is closed with a comment'),
    cooldownAfterClose: Duration.default('14d').describe('after a person closes one without merging, its file and rule are not proposed again for this long'),
  })
  .strict();
export type ForgeConfig = z.infer<typeof Forge>;
