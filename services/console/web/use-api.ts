import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api-client.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Loads an API answer for a page and reloads it on demand; the latest call wins. */
export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  // The caller names the dependencies, as with useEffect.
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    const call = ++latest.current;
    setLoading(true);
    try {
      const value = await run();
      if (call !== latest.current) return;
      setData(value);
      setError(undefined);
    } catch (err) {
      if (call !== latest.current) return;
      setError(err instanceof ApiError ? err : new ApiError(0, 'client', String(err), undefined));
    } finally {
      if (call === latest.current) setLoading(false);
    }
  }, [run]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}
