/*
 * read_txn.h - read transactions: ended ones are reset and kept on the
 * handle's free list, so a begin is a renew. Internal to dc_index.
 */
#ifndef DC_READ_TXN_H
#define DC_READ_TXN_H

#include "index_internal.h"

/* Abort and free the transactions on the free list (at close). */
void dc_index_txns_free(dc_index *idx);

#endif
