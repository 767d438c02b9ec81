import { error } from "@sveltejs/kit";
import { isContentPath } from "$lib/content/kinds";
import type { PageLoad } from "./$types";

export const load: PageLoad = ({ params }) => {
  if (!isContentPath(params.kind)) error(404, "Not found");
  return { kind: params.kind, id: params.id };
};
