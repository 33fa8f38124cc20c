// The search attributes every Kaizen namespace needs: the one list. Workers register what is
// missing at start, the dev server gets them as flags, and deploy/search-attributes.txt (read
// by deploy/temporal-setup.sh) is generated from this list by `npm run generate:deploy`; a unit
// test fails when that file and this list disagree.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const KAIZEN_SEARCH_ATTRIBUTES = {
  KaizenRepo: 'Keyword',
  KaizenFile: 'Keyword',
  KaizenStep: 'Keyword',
  KaizenOutcome: 'Keyword',
  KaizenStrategy: 'Keyword',
} as const;

export const KaizenRepo = defineSearchAttributeKey('KaizenRepo', SearchAttributeType.KEYWORD);
export const KaizenFile = defineSearchAttributeKey('KaizenFile', SearchAttributeType.KEYWORD);
export const KaizenStep = defineSearchAttributeKey('KaizenStep', SearchAttributeType.KEYWORD);
export const KaizenOutcome = defineSearchAttributeKey('KaizenOutcome', SearchAttributeType.KEYWORD);
export const KaizenStrategy = defineSearchAttributeKey('KaizenStrategy', SearchAttributeType.KEYWORD);

/** deploy/search-attributes.txt: one `Name Type` line per attribute, for shell scripts. */
export function searchAttributesFile(): string {
  const lines = Object.entries(KAIZEN_SEARCH_ATTRIBUTES).map(([name, type]) => `${name} ${type}`);
  return `# Generated from src/contracts/search-attributes.ts by \`npm run generate:deploy\`; do not edit.\n${lines.join('\n')}\n`;
}
