import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, whenUnauthorized } from './api-client.ts';
import { permissionsOf, type Permissions, type Who } from './model/permissions.ts';
import { saveToken, savedToken } from './session.ts';

export interface Session {
  who: Who;
  can: Permissions;
  /** Checks a token with the server and keeps it for this tab; throws ApiError when refused. */
  signIn(token: string): Promise<void>;
  signOut(): void;
}

type State = { status: 'loading' } | { status: 'ready'; who: Who } | { status: 'failed'; error: ApiError };

const Context = createContext<Session | null>(null);

export function SessionProvider(props: {
  children: (session: Session | null, state: State['status'], error?: ApiError) => ReactNode;
}) {
  const [state, setState] = useState<State>({ status: 'loading' });

  const load = useCallback(async (token: string | null) => {
    try {
      const who = (await api.whoami(token ?? undefined)) as Who;
      setState({ status: 'ready', who });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403) && token !== null) {
        // A token the server no longer knows (revoked, another server): forget it and ask again.
        saveToken(null);
        return load(null);
      }
      setState({
        status: 'failed',
        error: err instanceof ApiError ? err : new ApiError(0, 'network', String(err), null),
      });
    }
  }, []);

  useEffect(() => {
    whenUnauthorized(() => {
      saveToken(null);
      void load(null);
    });
    void load(savedToken());
  }, [load]);

  const session = useMemo<Session | null>(() => {
    if (state.status !== 'ready') return null;
    return {
      who: state.who,
      can: permissionsOf(state.who),
      async signIn(token) {
        const trimmed = token.trim();
        const who = (await api.whoami(trimmed)) as Who;
        if (!who.authenticated) throw new ApiError(401, 'token_required', 'no token', null);
        saveToken(trimmed);
        setState({ status: 'ready', who });
      },
      signOut() {
        saveToken(null);
        setState({ status: 'loading' });
        void load(null);
      },
    };
  }, [state, load]);

  return (
    <Context.Provider value={session}>
      {props.children(session, state.status, state.status === 'failed' ? state.error : undefined)}
    </Context.Provider>
  );
}

export function useSession(): Session {
  const value = useContext(Context);
  if (!value) throw new Error('useSession outside a signed-in console');
  return value;
}
