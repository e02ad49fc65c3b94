// Every request message of passerelle.v1.Matching and Governance, decoded from the input as gRPC decodes
// it, through the path the server runs: the call gate with a real API key, the handler, the catalog.
// Unary synchronous rpcs run their handler in process. The streamed import items go through the
// put handler of their kind (the import runs the same owner check, decode and catalog put per item).
// The callback query rpcs (MatchOpenings, MatchCandidates, Explain) and Rerank need a live call, so
// their requests go through the validation their handlers start with (api_convert, batch_convert).
// Input: byte 0 selects the rpc, byte 1 the caller's role; the rest is the serialized request.
#include "engine/common/status_macros.h"
#include "passerelle/v1/governance.pb.h"
#include "passerelle/v1/matching.pb.h"
#include "server/api_convert.h"
#include "server/batch_convert.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/service_harness.h"

namespace passerelle::fuzz {
namespace {

// Parses `bytes` as Request and runs handler(context, request, response) as the caller `role`.
template <class Request, class Response, class Service>
void Unary(Service& service, grpc::Status (Service::*handler)(grpc::ServerContext*, const Request*, Response*),
           int role, absl::string_view bytes) {
  Request request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  ServiceHarness::Call call(ServiceHarness::Get(), role);
  Response response;
  (void)(service.*handler)(call.context(), &request, &response);
}

template <class Request>
bool Parse(absl::string_view bytes, Request* request) {
  return request->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

void Run(int rpc, int role, absl::string_view bytes) {
  ServiceHarness& h = ServiceHarness::Get();
  server::MatchingService& m = h.matching();
  using S = server::MatchingService;
  switch (rpc) {
    case 0: return Unary(m, &S::PutCandidate, role, bytes);
    case 1: return Unary(m, &S::PutOpening, role, bytes);
    case 2: return Unary(m, &S::GetCandidate, role, bytes);
    case 3: return Unary(m, &S::GetOpening, role, bytes);
    case 4: return Unary(m, &S::DeleteCandidate, role, bytes);
    case 5: return Unary(m, &S::DeleteOpening, role, bytes);
    case 6: return Unary(m, &S::PutScoringProfile, role, bytes);
    case 7: return Unary(m, &S::GetScoringProfile, role, bytes);
    case 8: return Unary(m, &S::ListScoringProfiles, role, bytes);
    case 9: return Unary(m, &S::GetStatus, role, bytes);
    case 10: return Unary(m, &S::Assign, role, bytes);
    case 11: {
      v1::ImportCandidatesRequest item;
      if (!Parse(bytes, &item)) return;
      v1::PutCandidateRequest put;
      *put.mutable_candidate() = item.candidate();
      return Unary(m, &S::PutCandidate, role, put.SerializeAsString());
    }
    case 12: {
      v1::ImportOpeningsRequest item;
      if (!Parse(bytes, &item)) return;
      v1::PutOpeningRequest put;
      *put.mutable_opening() = item.opening();
      return Unary(m, &S::PutOpening, role, put.SerializeAsString());
    }
    case 13: {
      v1::MatchOpeningsRequest request;
      if (Parse(bytes, &request)) (void)server::MatchQueryFromProto(request, engine::kMaxK);
      return;
    }
    case 14: {
      v1::MatchCandidatesRequest request;
      if (Parse(bytes, &request)) (void)server::MatchQueryFromProto(request, engine::kMaxK);
      return;
    }
    case 15: {
      v1::RerankRequest request;
      if (Parse(bytes, &request)) (void)server::RerankOptionsFromProto(request, engine::kMaxK, h.data());
      return;
    }
    case 16: return Unary(h.governance(), &server::GovernanceService::ListAuditEntries, role, bytes);
    default: return Unary(h.governance(), &server::GovernanceService::ListExpiringRecords, role, bytes);
  }
}

}  // namespace
}  // namespace passerelle::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  passerelle::fuzz::Run(data[0] % 18, data[1], passerelle::fuzz::AsView(data + 2, size - 2));
  return 0;
}
