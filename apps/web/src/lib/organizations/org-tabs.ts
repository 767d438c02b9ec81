/** The tabs of an organization's detail, in order; the address keeps the open one (`?tab=`). */
export const ORG_TABS = [
  { id: "overview", label: "Overview" },
  { id: "capabilities", label: "Capabilities" },
  { id: "owners", label: "Owners" },
  { id: "settings", label: "Settings" },
  { id: "usage", label: "Usage" },
] as const;

export type OrgTab = (typeof ORG_TABS)[number]["id"];

export const isOrgTab = (value: string | null): value is OrgTab => ORG_TABS.some((tab) => tab.id === value);
