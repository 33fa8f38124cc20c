// generate: turns a target file and its findings into a proposal with the chosen strategy
// (autofix, or an LLM prompt kind). The proposal is written under the state folder; the
// worktree is never touched here.
import type { Config } from '../../core/config/config.js';
import { isLlmStrategy } from '../../core/llm/kinds.js';
import type { Finding, Proposal, RepairInput, Strategy, Workspace } from '../../core/types.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { autofixProposal } from './autofix.js';
import { llmProposal } from './llm.js';

export interface GenerateInput {
  workspace: Workspace;
  config: Config;
  /** Repo-relative POSIX path of the file to change (llm-tests: the source whose exports need tests). */
  target: string;
  findings: Finding[];
  strategy: Strategy;
  /** 1 for the first try of an improvement, 2 for its first repair, … */
  attempt?: number;
  /** A repair: the previous try was verified red; the model sees its change and why it failed. */
  repair?: RepairInput;
}

export function createGenerateActivities(deps: ActivityDeps) {
  return {
    async generate(input: GenerateInput): Promise<Proposal> {
      const { workspace, config, target, findings, strategy } = input;
      if (!isLlmStrategy(strategy)) return autofixProposal(deps, { workspace, config, target, findings });
      return llmProposal(deps, { ...input, strategy });
    },
  };
}
