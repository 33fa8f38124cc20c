// generate: turns a target file and its findings into a proposal with the chosen strategy
// (autofix, or an LLM prompt kind). The proposal is written under the state folder; the
// worktree is never touched here.
import { isLlmStrategy } from '../../core/llm/kinds.js';
import type { Proposal, Strategy } from '../../core/types.js';
import type { ActivityDeps } from '../../contracts/ports.js';
import { autofixProposal } from './autofix.js';
import { llmProposal, type LlmProposalInput } from './llm.js';

/** What generate is asked: the target, its findings and the strategy (see LlmProposalInput for the fields). */
export type GenerateInput = Omit<LlmProposalInput, 'strategy'> & { strategy: Strategy };

export function createGenerateActivities(deps: ActivityDeps) {
  return {
    async generate(input: GenerateInput): Promise<Proposal> {
      const { workspace, config, target, findings, strategy } = input;
      if (!isLlmStrategy(strategy)) return autofixProposal(deps, { workspace, config, target, findings });
      return llmProposal(deps, { ...input, strategy });
    },
  };
}
