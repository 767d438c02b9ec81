import { z } from "zod";

/** Server-assigned identifiers: a short prefix and url-safe random characters. */
export const Id = z.string().regex(/^[a-z]{2,8}_[A-Za-z0-9_-]{8,64}$/, "not a Canopy id");

/** Correlation ids for pings and rpc calls: chosen by the sender, opaque to the receiver. */
export const RequestId = z.string().min(1).max(64);

/** 32 random bytes, base64url without padding. */
export const Nonce = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not a 32-byte base64url nonce");

/** Raw Ed25519 public key (32 bytes) as base64url, the JWK `x` value. */
export const PublicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not an Ed25519 public key");

/** Ed25519 signature (64 bytes) as base64url. */
export const Signature = z.string().regex(/^[A-Za-z0-9_-]{86}$/, "not an Ed25519 signature");

/** Raw ephemeral X25519 public key (32 bytes) as base64url: one connection's session key share. */
export const SessionPublicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "not an X25519 public key");
