import type { PairingCode } from "$lib/api";

/** The hub answers with the exact command; if it does not, build the same one from our origin. */
export function pairingCommand(pairing: PairingCode, origin: string): string {
  return pairing.command ?? `canopy-agent pair --hub ${origin} --code ${pairing.code}`;
}
