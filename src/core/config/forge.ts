// The `remote` and `forge` keys: where push and pr modes deliver a verified branch.
import { z } from 'zod';
import { FORGE_KINDS } from '../forge/target.js';

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
  })
  .strict();
export type ForgeConfig = z.infer<typeof Forge>;
