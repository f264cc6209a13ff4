/** Command-line parsing for a `trex` command: `--flags`, `--option value`, and positional text. */

/** A mistake in how trex was called (exit code 2, one line, never a stack trace). */
export class UsageError extends Error {}

export interface ParsedArgs {
  flags: Set<string>;
  options: Map<string, string>;
  positional: string[];
}

export function parseArgs(argv: readonly string[], withValue: readonly string[], flags: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { flags: new Set(), options: new Map(), positional: [] };
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositional || !arg.startsWith('-') || arg === '-') {
      out.positional.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositional = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (withValue.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      out.options.set(name, value);
    } else if (flags.includes(name) && eq < 0) out.flags.add(name);
    else throw new UsageError(`unknown option ${arg}`);
  }
  return out;
}
