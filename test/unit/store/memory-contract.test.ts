import { describe } from '@jest/globals';
import { memoryStores } from '../../../src/store/memory/stores.ts';
import { storeContract } from '../../support/store-contract.ts';

describe('the in-memory stores', () => {
  // Shared between the cases, as the Elasticsearch ones are.
  const stores = memoryStores();
  storeContract({ make: () => Promise.resolve(stores), refresh: () => Promise.resolve() });
});
