import type { Draft } from './outbox.ts';

/** Drafts kept on the phone until the server has them: IndexedDB holds the photos as Blobs. */
export interface DraftStore {
  all(): Promise<Draft[]>;
  put(draft: Draft): Promise<void>;
  remove(reportId: string): Promise<void>;
}

const STORE = 'drafts';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

/** The drafts of one signed-in reporter (their token id names the database, so two people on one phone do not mix). */
export async function openDraftStore(name: string): Promise<DraftStore> {
  const open = indexedDB.open(`reporter-drafts-${name}`, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'reportId' });
  const db = await request(open);
  const tx = (mode: IDBTransactionMode) => db.transaction(STORE, mode).objectStore(STORE);
  return {
    all: async () =>
      ((await request(tx('readonly').getAll())) as Draft[]).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    put: async (draft) => {
      await request(tx('readwrite').put(draft));
    },
    remove: async (reportId) => {
      await request(tx('readwrite').delete(reportId));
    },
  };
}
