import { redirect } from "@sveltejs/kit";
import { adminHome } from "$lib/admin/admin-sections";
import type { PageLoad } from "./$types";

export const load: PageLoad = () => redirect(307, adminHome() ?? "/nodes");
