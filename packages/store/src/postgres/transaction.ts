import type pg from "pg";

/**
 * Runs `work` in one transaction on a client of its own: COMMIT when it resolves, ROLLBACK when
 * it throws (the error goes on). A client that could not roll back may be in any state, so it
 * leaves the pool rather than serve the next caller; one that did goes back (a unit of work
 * refused with a 404 or 409 must not cost a new connection).
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => void (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}
