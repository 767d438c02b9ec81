import type { Capability, CapabilityName, HeldCapability } from "@canopy/api";
import type { ProblemIssue } from "$lib/api/problem";
import { CAPABILITY_NAMES, dateOf, expiryOf } from "./org-tree";

/** One capability as the form holds it: ticked or not, and an optional expiry date (`YYYY-MM-DD`). */
export interface CapabilityChoice {
  on: boolean;
  date: string;
}
export type CapabilityDraft = Record<CapabilityName, CapabilityChoice>;

/** What a parent can give a child, and why not when it cannot (shown beside the box). */
export interface Offer {
  name: CapabilityName;
  /** The parent's own expiry: the child's may not be later. */
  parentExpiresAt: string | null;
  refusal: string | null;
}

export function offersOf(parent: { name: string; kind: "root" | "tenant"; capabilities: readonly HeldCapability[] }): Offer[] {
  return CAPABILITY_NAMES.map((name) => {
    const theirs = parent.capabilities.find((capability) => capability.name === name);
    if (name === "msp" && parent.kind !== "root") return { name, parentExpiresAt: null, refusal: "Only the root organization gives msp." };
    if (!theirs) return { name, parentExpiresAt: null, refusal: `${parent.name} does not hold ${name}.` };
    return { name, parentExpiresAt: theirs.expiresAt, refusal: null };
  });
}

/** The form's starting point: what the organization holds now. */
export function draftOf(held: readonly HeldCapability[]): CapabilityDraft {
  const draft = {} as CapabilityDraft;
  for (const name of CAPABILITY_NAMES) {
    const capability = held.find((c) => c.name === name);
    draft[name] = { on: capability !== undefined, date: capability?.expiresAt ? dateOf(capability.expiresAt) : "" };
  }
  return draft;
}

/** A new organization's: soar, siem and library as far as the parent gives them (the hub's default too). */
export function defaultDraft(offers: readonly Offer[]): CapabilityDraft {
  const draft = draftOf([]);
  for (const offer of offers) if (offer.refusal === null && offer.name !== "msp") draft[offer.name].on = true;
  return draft;
}

/** The capabilities to send, in the order of CAPABILITY_NAMES (the hub's errors name them by that index). */
export function capabilitiesOf(draft: CapabilityDraft, offers: readonly Offer[]): Capability[] {
  return CAPABILITY_NAMES.filter((name) => draft[name].on).map((name) => {
    const date = draft[name].date;
    const parentExpiresAt = offers.find((offer) => offer.name === name)?.parentExpiresAt ?? null;
    return { name, expiresAt: date === "" ? null : expiryOf(date, parentExpiresAt) };
  });
}

/** Per-capability messages from a 422's issues (`capabilities.1`, `capabilities.1.expiresAt`), given what was sent. */
export function capabilityErrors(issues: readonly ProblemIssue[], sent: readonly Capability[]): Partial<Record<CapabilityName, string>> {
  const errors: Partial<Record<CapabilityName, string>> = {};
  for (const issue of issues) {
    const match = /^capabilities\.(\d+)(\.expiresAt)?$/.exec(issue.path);
    const name = match ? sent[Number(match[1])]?.name : undefined;
    if (name && !errors[name]) errors[name] = match![2] ? `Expiry ${issue.message}` : issue.message;
  }
  return errors;
}
