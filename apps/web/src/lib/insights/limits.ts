// The hub's bounds on what a person types into an insight change, for the form's maxlength. They
// live in @canopy/protocol's INSIGHT_LIMITS, which the bundle cannot import (zod); limits.test.ts
// checks these against the hub's own schema.
export const INSIGHT_LIMITS_PERSON = 254;
export const INSIGHT_LIMITS_COMMENT_BODY = 8192;
