/** The wire protocol version. A hub refuses an agent that speaks another major version. */
export const PROTOCOL_VERSION = 1 as const;

/** Largest frame the hub accepts from an agent (ws `maxPayload` on the hub side). */
export const MAX_AGENT_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * Deepest nesting (objects and arrays, the superjson envelope included) the hub parses in an
 * agent frame. No message comes near it (a manifest is 4 deep, an insight 5); without a bound, one
 * 4 MiB frame of `[[[[…` took seconds of the hub's event loop to parse and copy, for every tenant.
 */
export const MAX_AGENT_FRAME_DEPTH = 64;

/**
 * Most values (array elements and object members, counted by the commas and brackets between
 * them) the hub parses in an agent frame. A real frame's values average tens of bytes (a
 * manifest entry's hash alone is 71), so even a full 4 MiB one holds far fewer; a frame of two
 * million tiny ones (`[0,0,0,…`) took the hub 50–150 ms of its event loop to parse, a stall every
 * other tenant's ping felt (R4). At the bound, parsing takes a quarter of that.
 */
export const MAX_AGENT_FRAME_VALUES = 500_000;

/** Largest frame an agent accepts from the hub: content pushes are batched below this. */
export const MAX_HUB_FRAME_BYTES = 16 * 1024 * 1024;

/** How long an agent has to answer `hello.challenge` before the hub closes the socket. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Default WebSocket-level heartbeat; a connection that misses one pong is terminated. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** Default time an `rpc.req` or app-level `ping` waits for its answer. */
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

/** The path agents dial on the hub. */
export const AGENT_CONNECT_PATH = "/agent/v1/connect";

/** The HTTP route agents use to exchange a pairing code for credentials. */
export const AGENT_PAIR_PATH = "/api/v1/agent/pair";
