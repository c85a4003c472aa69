import { Session } from 'chdb';
import { ClickHouseException } from './exception.ts';

/**
 * Connections to the one engine. chdb opens one data directory per process, and any number of
 * connections (Sessions) to it; a connection runs one statement at a time, different ones run
 * side by side. So every request takes a connection of its own for its whole run: a long insert
 * holds one, and reads go on through the others. Nothing waits for two connections at once, so
 * nothing can deadlock; a request waits only for a free connection.
 */
export interface EngineConnection {
  readonly session: Session;
  /** The database made current on this connection (USE). */
  database: string;
  /** Query parameters set on this connection (SET param_x): they stay until it is closed. */
  readonly params: Set<string>;
}

export interface Lease {
  connection: EngineConnection;
  /** Gives the connection back; `discard` closes it (a statement may have left state on it). */
  release(discard: boolean): void;
}

export interface ConnectionPool {
  /**
   * A shared connection (read-only ones for GET), or the HTTP session's own: one query at a time
   * per session, ending after `timeoutSeconds` without a query (docs: interfaces/http, sessions).
   */
  acquire(options: {
    readonly: boolean;
    session: { id: string; timeoutSeconds: number; check: boolean } | undefined;
  }): Promise<Lease>;
  close(): void;
}

interface Shared {
  idle: EngineConnection[];
  open: number;
  size: number;
  waiting: { resolve: (connection: EngineConnection) => void; reject: (err: unknown) => void }[];
  setup: string | undefined;
}

interface HttpSession {
  connection: EngineConnection;
  busy: boolean;
  timer: NodeJS.Timeout | undefined;
}

export function createConnectionPool(
  dataDir: string,
  size: number,
  /** Engine arguments at connect (chdb's connectionArgs), e.g. --config-file. */
  connectionArgs: readonly string[] = [],
): ConnectionPool {
  async function connect(setup?: string): Promise<EngineConnection> {
    const session = new Session(dataDir, { connectionArgs });
    // chdb starts from clickhouse-local's settings; a server's defaults differ in these
    // (system.settings, changed = 1 on a fresh chdb connection).
    await session.queryAsync('SET implicit_select = 0, allow_introspection_functions = 0');
    // GET requests are read-only: readonly = 2 still lets them change other settings
    // (src/Server/HTTP/setReadOnlyIfHTTPMethodIdempotent.cpp).
    if (setup !== undefined) await session.queryAsync(setup);
    return { session, database: 'default', params: new Set() };
  }
  const writers: Shared = { idle: [], open: 0, size, waiting: [], setup: undefined };
  const readers: Shared = { idle: [], open: 0, size: 1, waiting: [], setup: 'SET readonly = 2' };
  const sessions = new Map<string, HttpSession>();
  let closed = false;

  function giveBack(pool: Shared, connection: EngineConnection, discard: boolean): void {
    if (discard || closed) {
      connection.session.close();
      pool.open -= 1;
      const next = pool.waiting.shift();
      if (next) {
        pool.open += 1;
        connect(pool.setup).then(next.resolve, (err: unknown) => {
          pool.open -= 1;
          next.reject(err);
        });
      }
      return;
    }
    const next = pool.waiting.shift();
    if (next) next.resolve(connection);
    else pool.idle.push(connection);
  }

  async function shared(pool: Shared): Promise<Lease> {
    const idle = pool.idle.pop();
    let connection: EngineConnection;
    if (idle) connection = idle;
    else if (pool.open < pool.size) {
      pool.open += 1;
      try {
        connection = await connect(pool.setup);
      } catch (err) {
        pool.open -= 1;
        throw err;
      }
    } else connection = await new Promise((resolve, reject) => pool.waiting.push({ resolve, reject }));
    let released = false;
    return {
      connection,
      release(discard) {
        if (released) return;
        released = true;
        giveBack(pool, connection, discard);
      },
    };
  }

  async function ofSession(id: string, timeoutSeconds: number, check: boolean): Promise<Lease> {
    let entry = sessions.get(id);
    if (!entry) {
      if (check) throw ClickHouseException.of('SESSION_NOT_FOUND', `Session ${id} not found`);
      entry = { connection: await connect(), busy: false, timer: undefined };
      sessions.set(id, entry);
    }
    const current = entry;
    if (current.busy)
      throw ClickHouseException.of('SESSION_IS_LOCKED', `Session ${id} is locked by a concurrent client`);
    current.busy = true;
    clearTimeout(current.timer);
    return {
      connection: current.connection,
      release(discard) {
        current.busy = false;
        const end = () => {
          if (sessions.get(id) === current) sessions.delete(id);
          current.connection.session.close();
        };
        if (discard || closed) end();
        else current.timer = setTimeout(end, timeoutSeconds * 1000).unref();
      },
    };
  }

  return {
    async acquire({ readonly, session }) {
      if (session === undefined) return shared(readonly ? readers : writers);
      if (readonly) {
        throw ClickHouseException.of(
          'NOT_IMPLEMENTED',
          'GET requests in an HTTP session (read-only queries with session_id) are not supported by the test front: use POST',
        );
      }
      return ofSession(session.id, session.timeoutSeconds, session.check);
    },
    close() {
      closed = true;
      for (const pool of [writers, readers]) for (const c of pool.idle.splice(0)) c.session.close();
      for (const [id, entry] of sessions) {
        if (entry.busy) continue;
        clearTimeout(entry.timer);
        entry.connection.session.close();
        sessions.delete(id);
      }
    },
  };
}
