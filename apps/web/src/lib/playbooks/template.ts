/** A minimal valid CACAO 2.0 playbook (start → one manual action for an analyst → end), fresh ids. */
export function newPlaybook(now = new Date()): Record<string, unknown> {
  const id = (type: string) => `${type}--${crypto.randomUUID()}`;
  const start = id("start");
  const action = id("action");
  const end = id("end");
  const analyst = id("individual");
  const stamp = now.toISOString();
  return {
    type: "playbook",
    spec_version: "cacao-2.0",
    id: id("playbook"),
    name: "New playbook",
    description: "What this playbook responds to.",
    playbook_types: ["investigation"],
    created_by: id("identity"),
    created: stamp,
    modified: stamp,
    workflow_start: start,
    workflow: {
      [start]: { type: "start", on_completion: action },
      [action]: {
        type: "action",
        name: "Review the alert",
        commands: [{ type: "manual", command: "Review the alert and decide whether to escalate." }],
        agent: analyst,
        on_completion: end,
      },
      [end]: { type: "end" },
    },
    agent_definitions: { [analyst]: { type: "individual", name: "SOC analyst" } },
  };
}
