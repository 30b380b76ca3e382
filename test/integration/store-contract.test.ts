import { afterAll, beforeAll, describe } from '@jest/globals';
import { esStores } from '../../src/store/es/stores.ts';
import type { Stores } from '../../src/store/stores.ts';
import { initWriteback } from '../../src/writeback/init.ts';
import { dropIndices } from '../support/cleanup.ts';
import { testEs, uniqueName } from '../support/es.ts';
import { storeContract } from '../support/store-contract.ts';

const es = testEs();
// One writeback for all cases (each uses its own rule names and ids): creating indices is the slow part.
const base = uniqueName('wb-contract');
let stores: Stores | undefined;
beforeAll(async () => {
  await initWriteback(es, base, { templates: false });
  stores = esStores(es, base);
});
afterAll(async () => {
  await dropIndices(es, [base]);
  await es.close();
});

describe('the Elasticsearch stores', () => {
  storeContract({
    make: () => (stores ? Promise.resolve(stores) : Promise.reject(new Error('writeback not initialised'))),
    refresh: async () => {
      await es.client.indices.refresh({ index: `${base}*` });
    },
  });
});
