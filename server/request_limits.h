// Caps on the repeated fields of requests (issue 16: 5,000 occupation codes in 40 KB made a 500-candidate
// Rerank take 21 s). Every repeated field of every request message, nested records included, has a cap:
// the ones listed in request_limits.cc, kDefaultMaxRepeated for any other. Over it the call fails with
// INVALID_ARGUMENT naming the field ("occupations: at most 256 entries, got 5000") before any work.
// The caps are documented in the .proto comments and in docs/api.md ("Limits").
//
// Thread-safety: stateless functions.
#ifndef PASSERELLE_SERVER_REQUEST_LIMITS_H_
#define PASSERELLE_SERVER_REQUEST_LIMITS_H_

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace passerelle::server {

// The cap of a repeated field not listed in request_limits.cc.
inline constexpr int kDefaultMaxRepeated = 256;

// The largest AssignResponse.pools a node sends (AssignRequest.pools_only); the CLI reads up to this size.
inline constexpr size_t kMaxPoolsAnswerBytes = size_t{256} << 20;

// The most elements `field` (repeated) may carry in a request.
int MaxRepeated(const google::protobuf::FieldDescriptor& field);

// InvalidArgument naming the first repeated field of `request` (at any depth, "candidate.skills") that
// carries more than its cap; OK otherwise.
absl::Status CheckRepeatedCaps(const google::protobuf::Message& request);

}  // namespace passerelle::server

#endif  // PASSERELLE_SERVER_REQUEST_LIMITS_H_
