// What every canopy-agent command prints and parses the same way: stdout lines, one-line errors, exit codes.
import { InvalidArgumentError, Option } from "commander";

/** Exit codes of `canopy-agent run` (and 0/1 for every command). */
export const ExitCode = { ok: 0, error: 1, unpaired: 3, replaced: 4 } as const;

export const say = (line: string): void => void process.stdout.write(`${line}\n`);
export const complain = (line: string): void => void process.stderr.write(`error: ${line}\n`);
export const printJson = (value: unknown): void => say(JSON.stringify(value, null, 2));

export const dataDirOption = () =>
  new Option("--data-dir <dir>", "where the agent keeps its key and state (default: $CANOPY_DATA_DIR or ~/.canopy/agent)");

/** A commander argument parser for whole numbers in `[min, max]`. */
export function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}
