// An in-memory Exchange contacts store behind the ExchangeConnector interface, for tests that
// need thousands of cheap runs (the property test): change log with cursors, versions that
// refuse stale writes, expiring cursors and injected transient faults, like the sandbox.
// Two delivery styles: `ews` pages carry each change once (SyncFolderItems), `graph` pages may
// also carry an item again that did not change, as Graph's delta does.
//
// Items are kept in the protocol's own form and go through the connectors' mapping code on every
// write and read: an EWS-style store holds the `<t:Contact>` XML that contactToEws writes (read
// back with contactFromEws), a Graph-style store the JSON of contactToGraph (read back with
// contactFromGraph). So a value that mapping drops or bends is dropped or bent here too. What is
// not covered: HTTP, paging and the EWS UpdateItem field-change list (an update replaces the item).
import { ConnectorError } from '../../src/connectors/errors.ts';
import { contactFromEws, contactToEws } from '../../src/connectors/ews/mapping/contact.ts';
import { envelope } from '../../src/connectors/ews/soap.ts';
import { parseAnswerTree, type XNode } from '../../src/connectors/ews/xml.ts';
import { contactFromGraph, contactToGraph } from '../../src/connectors/graph/mapping/contact.ts';
import type { Json } from '../../src/connectors/graph/mapping/json.ts';
import type {
  ChangePage,
  ExchangeConnector,
  FolderKind,
  FolderNode,
  FolderRef,
  ItemByKind,
  ItemResult,
  ItemVersion,
  NeutralContact,
  ReadChangesOptions,
} from '../../src/connectors/types.ts';

interface Stored {
  folderId: string;
  version: string;
  /** The item as the protocol carries it: EWS XML or Graph JSON. */
  wire: string | Json;
}

const clone = <T>(v: T): T => structuredClone(v);

export type DeliveryStyle = 'ews' | 'graph';

export class FakeExchange {
  readonly items = new Map<string, Stored>();
  readonly style: DeliveryStyle;
  private random: () => number;
  private readonly log: Array<{ seq: number; folderId: string; itemId: string }> = [];
  private seq = 0;
  private nextId = 0;
  private epoch = 0;
  requests = 0;
  /** Called before every connector request; throw to inject a fault. */
  fault: (operation: string) => void = () => {};

  constructor(options: { style?: DeliveryStyle; seed?: number } = {}) {
    this.style = options.style ?? 'ews';
    // A small deterministic generator (mulberry32), so a failing case replays exactly.
    let state = (options.seed ?? 1) >>> 0;
    this.random = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** The item in the protocol's form, written by the connector's own mapping. */
  private encode(item: NeutralContact): string | Json {
    return this.style === 'ews' ? contactToEws(item) : structuredClone(contactToGraph(item));
  }

  private decode(wire: string | Json): NeutralContact {
    if (typeof wire !== 'string') return contactFromGraph(structuredClone(wire));
    const doc = parseAnswerTree(envelope(wire, { version: 'Exchange2013' }));
    return contactFromEws(((doc.Envelope as XNode).Body as XNode).Contact as XNode);
  }

  /** The item as the connector would read it. */
  read(id: string): NeutralContact | undefined {
    const stored = this.items.get(id);
    return stored ? this.decode(stored.wire) : undefined;
  }

  private touch(folderId: string, itemId: string) {
    this.log.push({ seq: ++this.seq, folderId, itemId });
  }

  // ---------- what the mailbox user does ----------

  userCreate(item: NeutralContact, folderId = 'contacts'): string {
    const id = `item-${++this.nextId}`;
    this.items.set(id, { folderId, version: `v${this.seq + 1}`, wire: this.encode(item) });
    this.touch(folderId, id);
    return id;
  }

  userUpdate(id: string, patch: Partial<NeutralContact>): void {
    const stored = this.items.get(id);
    if (!stored) return;
    stored.wire = this.encode({ ...this.decode(stored.wire), ...clone(patch) });
    stored.version = `v${this.seq + 1}`;
    this.touch(stored.folderId, id);
  }

  userDelete(id: string): void {
    const stored = this.items.get(id);
    if (!stored) return;
    this.items.delete(id);
    this.touch(stored.folderId, id);
  }

  /** Every cursor issued so far becomes invalid (an expired sync state). */
  expireCursors(): void {
    this.epoch++;
  }

  contents(folderId = 'contacts'): Array<{ id: string; item: NeutralContact }> {
    return [...this.items.entries()]
      .filter(([, s]) => s.folderId === folderId)
      .map(([id, s]) => ({ id, item: this.decode(s.wire) }));
  }

  connector(mailbox = 'fake@example.test'): ExchangeConnector {
    return new FakeConnector(this, mailbox);
  }

  // ---------- protocol side ----------

  request(operation: string): void {
    this.requests++;
    this.fault(operation);
  }

  changesSince(folderId: string, cursor: string | undefined, pageSize: number) {
    let from = 0;
    if (cursor !== undefined) {
      const [epoch, seq] = cursor.split(':').map(Number);
      if (epoch !== this.epoch || Number.isNaN(seq))
        throw new ConnectorError('resync_needed', 'The sync state is no longer valid.', {
          serverCode: 'expired',
        });
      from = seq;
    }
    const pending = this.log.filter((e) => e.seq > from && e.folderId === folderId);
    // A read from scratch lists what exists, not the history.
    const entries =
      cursor === undefined ? pending.filter((e) => this.items.get(e.itemId)?.folderId === folderId) : pending;
    const page = entries.slice(0, pageSize);
    const last = page.length < entries.length ? page[page.length - 1].seq : Math.max(from, this.seq);
    const upserts = new Map<string, { id: string; version: string; item: NeutralContact }>();
    const deletes = new Set<string>();
    for (const e of page) {
      const stored = this.items.get(e.itemId);
      if (stored && stored.folderId === folderId) {
        upserts.set(e.itemId, { id: e.itemId, version: stored.version, item: this.decode(stored.wire) });
        deletes.delete(e.itemId);
      } else {
        upserts.delete(e.itemId);
        deletes.add(e.itemId);
      }
    }
    if (this.style === 'graph' && cursor !== undefined && this.random() < 0.3) {
      // Graph may deliver an unchanged item again; the engine must take it as a no-op.
      const present = [...this.items.entries()].filter(
        ([id, s]) => s.folderId === folderId && !deletes.has(id),
      );
      if (present.length > 0) {
        const [id, stored] = present[Math.floor(this.random() * present.length)];
        upserts.set(id, { id, version: stored.version, item: this.decode(stored.wire) });
      }
    }
    return {
      upserts: [...upserts.values()],
      deletes: [...deletes],
      cursor: `${this.epoch}:${last}`,
      done: page.length === entries.length,
    };
  }

  create(folderId: string, item: NeutralContact): ItemVersion {
    const id = `item-${++this.nextId}`;
    this.items.set(id, { folderId, version: `v${this.seq + 1}`, wire: this.encode(item) });
    this.touch(folderId, id);
    return { id, version: this.items.get(id)!.version };
  }

  update(id: string, version: string, item: NeutralContact): ItemVersion {
    const stored = this.items.get(id);
    if (!stored) throw new ConnectorError('not_found', `No item ${id}.`);
    if (stored.version !== version)
      throw new ConnectorError('conflict', `Item ${id} changed since ${version}.`);
    stored.wire = this.encode(item);
    stored.version = `v${this.seq + 1}`;
    this.touch(stored.folderId, id);
    return { id, version: stored.version };
  }
}

class FakeConnector implements ExchangeConnector {
  readonly protocol: DeliveryStyle;
  readonly mailbox: string;
  private readonly exchange: FakeExchange;
  /** Graph style creates in batches, as $batch does; EWS style one at a time, so the engine's
   * property test covers both of its export paths. */
  readonly createItems?: ExchangeConnector['createItems'];

  constructor(exchange: FakeExchange, mailbox: string) {
    this.exchange = exchange;
    this.mailbox = mailbox;
    this.protocol = exchange.style;
    if (exchange.style === 'graph') {
      this.createItems = async (_folder, items) => {
        this.exchange.request('createItems');
        return items.map((item) => {
          try {
            this.exchange.fault('createItems.member');
            return { ok: true as const, ...this.exchange.create(_folder.id, item as NeutralContact) };
          } catch (error) {
            return { ok: false as const, error: error as ConnectorError };
          }
        });
      };
    }
  }

  async testConnection() {
    return { ok: true as const, mailbox: this.mailbox, message: 'ok' };
  }

  async listFolders(kind: FolderKind): Promise<FolderNode[]> {
    this.exchange.request('listFolders');
    return kind === 'contacts'
      ? [{ id: 'contacts', name: 'Contacts', kind, wellKnown: 'contacts', children: [] }]
      : [];
  }

  async *readChanges<K extends FolderKind>(
    folder: FolderRef & { kind: K },
    cursor: string | undefined,
    options: ReadChangesOptions = {},
  ): AsyncIterable<ChangePage<ItemByKind[K]>> {
    let position = cursor;
    for (;;) {
      this.exchange.request('readChanges');
      const page = this.exchange.changesSince(folder.id, position, options.pageSize ?? 100);
      yield page as unknown as ChangePage<ItemByKind[K]>;
      if (page.done) return;
      position = page.cursor;
    }
  }

  async getItems<K extends FolderKind>(_folder: FolderRef & { kind: K }, ids: string[]) {
    this.exchange.request('getItems');
    return ids.map((id) => {
      const stored = this.exchange.items.get(id);
      return stored
        ? { ok: true as const, id, version: stored.version, item: this.exchange.read(id)! }
        : { ok: false as const, id, error: new ConnectorError('not_found', `No item ${id}.`) };
    }) as unknown as Array<ItemResult<ItemByKind[K]>>;
  }

  async createItem<K extends FolderKind>(folder: FolderRef & { kind: K }, item: ItemByKind[K]) {
    this.exchange.request('createItem');
    return this.exchange.create(folder.id, item as NeutralContact);
  }

  async updateItem<K extends FolderKind>(
    _folder: FolderRef & { kind: K },
    id: string,
    version: string,
    item: ItemByKind[K],
  ) {
    this.exchange.request('updateItem');
    return this.exchange.update(id, version, item as NeutralContact);
  }

  async deleteItem(_folder: FolderRef, id: string) {
    this.exchange.request('deleteItem');
    this.exchange.userDelete(id);
  }

  async freeBusy(): Promise<never> {
    throw new ConnectorError('permanent', 'Not supported by the fake.');
  }

  async sendMessage(): Promise<never> {
    throw new ConnectorError('permanent', 'Not supported by the fake.');
  }
}
