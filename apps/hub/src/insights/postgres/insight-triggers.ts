/**
 * The statement triggers that keep a counter table following `insights`: `<name>_insert`,
 * `<name>_update` and `<name>_delete`, each handing `<name>_follow()` its transition tables
 * (`new_rows`, `old_rows`). One shape for every counter, so each migration states only how it counts.
 */
export const insightFollowTriggers = (name: string): string => `CREATE TRIGGER ${name}_insert AFTER INSERT ON insights
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${name}_follow();
    CREATE TRIGGER ${name}_update AFTER UPDATE ON insights
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${name}_follow();
    CREATE TRIGGER ${name}_delete AFTER DELETE ON insights
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${name}_follow();`;
