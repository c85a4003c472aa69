import { createContext, useContext, type ReactNode } from 'react';
import type { Org } from '../../../schemas/org.schema.ts';
import { api } from './api-client.ts';
import { useApi, type Loaded } from './use-api.ts';

const Context = createContext<Loaded<Org> | null>(null);

/** The registry, loaded once for every page; a page that changes it reloads it here, so the header follows. */
export function OrgProvider(props: { children: ReactNode }) {
  const org = useApi(() => api.org(), []);
  return <Context.Provider value={org}>{props.children}</Context.Provider>;
}

export function useOrg(): Loaded<Org> {
  const value = useContext(Context);
  if (!value) throw new Error('useOrg outside OrgProvider');
  return value;
}
