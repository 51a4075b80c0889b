import type { Knex } from 'knex';
import type { ProductStore, StockAndPrice } from '../domain/ports';
import type { Product, ProductFields, ProductFilter } from '../domain/product';

interface ProductRow {
  id: number;
  name: string;
  description: string | null;
  category: string | null;
  price: string;
  stock: number;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const columns = ['id', 'name', 'description', 'category', 'price', 'stock', 'version', 'created_at', 'updated_at'];

function toProduct(row: ProductRow): Product {
  return {
    id: Number(row.id),
    name: row.name,
    description: row.description,
    category: row.category,
    price: row.price,
    stock: Number(row.stock),
    version: Number(row.version),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** Products in MySQL; every method works on the knex instance or transaction it was built with. */
export class ProductRepository implements ProductStore {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async insert(fields: ProductFields, now: Date): Promise<Product> {
    const [id] = await this.db('products').insert({
      ...fields,
      total_stock: fields.stock,
      version: 1,
      created_at: now,
      updated_at: now,
    });
    return (await this.findById(Number(id)))!;
  }

  async findById(id: number, options: { forUpdate?: boolean } = {}): Promise<Product | undefined> {
    const query = this.db('products').select(columns).where({ id }).whereNull('deleted_at');
    const row: ProductRow | undefined = await (options.forUpdate ? query.forUpdate() : query).first();
    return row && toProduct(row);
  }

  /** Keyset page in id order: stable under concurrent inserts (new rows only extend later pages). */
  async list(filter: ProductFilter): Promise<Product[]> {
    const query = this.db('products').select(columns).whereNull('deleted_at');
    if (filter.category !== undefined) query.where('category', filter.category);
    if (filter.minPrice !== undefined) query.where('price', '>=', filter.minPrice);
    if (filter.maxPrice !== undefined) query.where('price', '<=', filter.maxPrice);
    if (filter.nameContains !== undefined) query.where('name', 'like', `%${escapeLike(filter.nameContains)}%`);
    if (filter.inStock === true) query.where('stock', '>', 0);
    if (filter.inStock === false) query.where('stock', 0);
    if (filter.afterId !== undefined) query.where('id', '>', filter.afterId);
    const rows: ProductRow[] = await query.orderBy('id').limit(filter.limit);
    return rows.map(toProduct);
  }

  /**
   * Replaces the product's fields. A new stock level moves total_stock by the same difference, so
   * the conservation invariant survives restocking. (MySQL assigns left to right: total_stock is
   * computed from the old stock before stock changes.)
   */
  async update(id: number, fields: ProductFields, now: Date): Promise<Product | undefined> {
    const changed = await this.db('products')
      .where({ id })
      .whereNull('deleted_at')
      .update({
        total_stock: this.db.raw('total_stock + ? - stock', [fields.stock]),
        stock: fields.stock,
        name: fields.name,
        description: fields.description,
        category: fields.category,
        price: fields.price,
        version: this.db.raw('version + 1'),
        updated_at: now,
      });
    return changed === 0 ? undefined : this.findById(id);
  }

  async softDelete(id: number, now: Date): Promise<boolean> {
    const changed = await this.db('products')
      .where({ id })
      .whereNull('deleted_at')
      .update({ deleted_at: now, updated_at: now, version: this.db.raw('version + 1') });
    return changed > 0;
  }

  /**
   * Moves stock and total_stock by the same `delta`, relative to what the row holds when the
   * statement runs (never a value read earlier). Both columns are unsigned: the caller has checked
   * that neither goes below 0 (total_stock >= stock always).
   */
  async moveStock(id: number, delta: number, now: Date): Promise<void> {
    await this.db('products')
      .where({ id })
      .whereNull('deleted_at')
      .update({
        stock: this.db.raw('stock + ?', [delta]),
        total_stock: this.db.raw('total_stock + ?', [delta]),
        version: this.db.raw('version + 1'),
        updated_at: now,
      });
  }

  /**
   * Stock and price of the live products among `ids`, the rows locked (`FOR UPDATE`) until the
   * transaction ends. One statement over the primary key, which InnoDB walks in id order: every
   * reservation takes its locks in that order, so two never wait for each other in a cycle.
   */
  async lockStockAndPrices(ids: readonly number[]): Promise<Map<number, StockAndPrice>> {
    const rows: { id: number; stock: number; price: string }[] = await this.#productsByPrimaryKey()
      .select('id', 'stock', 'price')
      .whereIn('id', ids)
      .whereNull('deleted_at')
      .orderBy('id')
      .forUpdate();
    return new Map(rows.map((row) => [Number(row.id), { stock: Number(row.stock), price: String(row.price) }]));
  }

  /**
   * Takes units from several products in one statement (`stock - CASE id WHEN … END`). The caller
   * holds their row locks and checked the stock; should a row still lack the units, the unsigned
   * column refuses to go below 0 and the transaction fails rather than oversell. The version goes
   * up: stock is part of what the ETag stands for. Not yet run: it goes with the reservation's
   * other writes; check what it changed with `checkStockTaken`.
   */
  takeStockStatement(quantities: ReadonlyMap<number, number>, now: Date): Knex.QueryBuilder {
    const ids = [...quantities.keys()].sort((a, b) => a - b);
    const cases = ids.map(() => 'WHEN ? THEN ?').join(' ');
    return this.#productsByPrimaryKey()
      .whereIn('id', ids)
      .update({
        stock: this.db.raw(
          `stock - CASE id ${cases} END`,
          ids.flatMap((id) => [id, quantities.get(id)!]),
        ),
        version: this.db.raw('version + 1'),
        updated_at: now,
      });
  }

  /**
   * `products` read by its primary key whatever the optimizer thinks. For a long IN list (a
   * worker's chunk names most of a small catalogue) MariaDB plans a walk of the whole primary key,
   * and a locking statement locks every row it walks, not only those it changes: a reservation's
   * UPDATE then waited for products another reservation held, which held products this one had
   * locked (ER_LOCK_DEADLOCK). A range over the listed ids locks only the listed rows.
   */
  #productsByPrimaryKey(): Knex.QueryBuilder {
    return this.db(this.db.raw('?? FORCE INDEX (PRIMARY)', ['products']));
  }

  /** Puts units back (releases); deleted products get them back too, so totals stay conserved. */
  async returnStock(id: number, quantity: number, now: Date): Promise<void> {
    await this.db('products')
      .where({ id })
      .update({ stock: this.db.raw('stock + ?', [quantity]), version: this.db.raw('version + 1'), updated_at: now });
  }
}

/** Every product of a `takeStock` changed, or the transaction must not commit. */
export function checkStockTaken(quantities: ReadonlyMap<number, number>, changed: number): void {
  if (changed !== quantities.size) throw new Error(`took stock of ${changed} products, expected ${quantities.size}`);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
