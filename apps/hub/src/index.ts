export { createHub, type Hub, type HubAddress, type HubOptions, type HubStartInfo } from "./hub.js";
export type { HubServices, HubEvents } from "./services.js";
export type { HubEnv, Principal } from "./http/context.js";
export type { TenantView } from "./domain/tenant-views.js";
export type { Clock } from "./core/clock.js";
export type { Connection } from "./gateway/connection.js";
export { createLogger, type Logger } from "./logger.js";
