/**
 * What each audit action means, in words. The hub writes actions as `domain.verb`; one it adds
 * later and this list does not know yet is shown as written (`readableAction`), never hidden.
 */
export const AUDIT_ACTIONS: Readonly<Record<string, string>> = {
  "auth.login": "Signed in",
  "auth.logout": "Signed out",
  "user.create": "Created a user",
  "user.invite": "Invited a user",
  "user.reset": "Made a password reset link",
  "user.update": "Changed a user",
  "user.delete": "Deleted a user",
  "role.create": "Created a role",
  "role.update": "Changed a role",
  "role.delete": "Deleted a role",
  "api-key.create": "Created an API key",
  "api-key.delete": "Revoked an API key",
  "tenant.create": "Created an organization",
  "tenant.update": "Changed an organization",
  "tenant.delete": "Deleted an organization",
  "tenant.settings": "Changed organization settings",
  "tenant.capabilities": "Changed capabilities",
  "tenant.capability.expire": "A capability expired",
  "tenant.owner.add": "Added an owner",
  "tenant.owner.remove": "Removed an owner",
  "tenant.unpair": "Unpaired an organization's agent",
  "pairing-code.create": "Made a pairing code",
  "agent.pair": "Paired an agent",
  "agent.unpair": "Unpaired an agent",
  "content.create": "Created content",
  "content.update": "Changed content",
  "content.delete": "Deleted content",
  "content.import": "Imported content",
  "push.create": "Pushed content",
  "push.retry": "Retried a push",
  "push.stop": "Stopped a push",
  "insight.update": "Updated an insight",
  "dashboard.export": "Exported a dashboard",
  "hub.identity.replace": "Replaced the hub's identity",
};

export const readableAction = (action: string): string => AUDIT_ACTIONS[action] ?? action;
