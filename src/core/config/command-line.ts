// Command lines in kaizen.config.json and on the command line (--test-cmd): split like a shell
// would, never run through one. Apart from config.ts so the CLI can use it without loading zod.

/** Splits a command string into arguments the way a POSIX shell would, without running one. */
export function splitCommand(command: string | string[]): string[] {
  if (Array.isArray(command)) return command;
  const args: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let started = false;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < command.length) current += command[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (ch === '\\' && i + 1 < command.length) {
      current += command[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in command: ${command}`);
  if (started) args.push(current);
  return args;
}
