/** What the user loaded is remembered across reloads in IndexedDB (raw bytes + names) until removed. */
import type { AssetRecord } from './assets';

const DB = 'mimic-bench',
  STORE = 'assets';

function open(): Promise<IDBDatabase> {
  return new Promise((res, rej) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => res(req.result);
    req.onerror = () => rej(req.error ?? new Error('IndexedDB open failed'));
  });
}

async function tx<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((res, rej) => {
      const t = db.transaction(STORE, mode);
      const req = fn(t.objectStore(STORE));
      t.oncomplete = () => res(req.result);
      t.onerror = () => rej(t.error ?? new Error('IndexedDB transaction failed'));
      t.onabort = () => rej(t.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** The IndexedDB store of the user's files, with its write counters; the App holds one. */
export class Persist {
  /** writes (saves and deletes) started and settled, for the test hook: a reload once they are equal loses nothing */
  readonly writes = { started: 0, settled: 0 };

  private async write(fn: (s: IDBObjectStore) => IDBRequest): Promise<void> {
    this.writes.started++;
    try {
      await tx('readwrite', fn);
    } finally {
      this.writes.settled++;
    }
  }

  async saveRecord(r: AssetRecord): Promise<void> {
    if (r.builtin) return;
    await this.write((s) => s.put({ ...r, savedAt: Date.now() }));
  }

  async deleteRecord(id: string): Promise<void> {
    await this.write((s) => s.delete(id));
  }

  async loadRecords(): Promise<AssetRecord[]> {
    try {
      const all = (await tx('readonly', (s) => s.getAll())) as (AssetRecord & { savedAt: number })[];
      return all.sort((a, b) => a.savedAt - b.savedAt);
    } catch {
      return []; // private mode / no IndexedDB: nothing remembered
    }
  }
}
