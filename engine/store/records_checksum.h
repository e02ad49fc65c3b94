// A checksum over the records a store holds, to tell whether two nodes of a cluster (docs/cluster.md)
// hold the same data. Stored keys differ between nodes (each data directory has its own record key
// secret, record_key.h), so only the stored values count: each candidate and opening with its owner, id
// and update time, and each scoring profile. Independent of the order records were written in.
//
// Example:
//   PASSERELLE_ASSIGN_OR_RETURN(std::string a, RecordsChecksum(catalog_a->store()));
#ifndef PASSERELLE_ENGINE_STORE_RECORDS_CHECKSUM_H_
#define PASSERELLE_ENGINE_STORE_RECORDS_CHECKSUM_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/store/store.h"

namespace passerelle::engine {

// 64 hex digits (SHA-256 over the sorted SHA-256 of each stored value, kind by kind), read on a
// consistent snapshot of each family.
absl::StatusOr<std::string> RecordsChecksum(const Store& store);

}  // namespace passerelle::engine

#endif  // PASSERELLE_ENGINE_STORE_RECORDS_CHECKSUM_H_
