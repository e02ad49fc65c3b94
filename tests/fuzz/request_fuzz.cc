// Every request message of passerelle.v1.Matching, Governance and Access, decoded from the input as gRPC decodes
// it, through the path the server runs: the call gate with a real API key, the handler, the catalog.
// Unary synchronous rpcs run their handler in process. The streamed import items go through the
// put handler of their kind (the import runs the same owner check, decode and catalog put per item).
// The callback query rpcs (MatchOpenings, MatchCandidates, Explain), Rerank and the server-streaming
// FormCohorts need a live call, so their requests go through the validation their handlers start with
// (api_convert, batch_convert). Not reached: WatchMatches (a stream that waits for updates). RevokeKey
// spares the harness's own keys and EraseOrganisation other organisations than the harness's, so that
// later inputs still pass the call gate with records to work on.
// Input: byte 0 selects the rpc, byte 1 the caller's role; the rest is the serialized request.
#include "engine/common/status_macros.h"
#include "passerelle/v1/access.pb.h"
#include "passerelle/v1/discovery.pb.h"
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
    case 17: return Unary(h.governance(), &server::GovernanceService::ListExpiringRecords, role, bytes);
    case 18: {
      v1::FormCohortsRequest request;
      if (Parse(bytes, &request)) (void)server::PoecCohortOptionsFromProto(request, engine::kMaxK, h.data());
      return;
    }
    case 19: return Unary(m, &S::ListCandidates, role, bytes);
    case 20: return Unary(m, &S::ListOpenings, role, bytes);
    case 21: return Unary(m, &S::SearchOpenings, role, bytes);
    case 22: return Unary(m, &S::SearchCandidates, role, bytes);
    case 23: return Unary(m, &S::LookupOccupations, role, bytes);
    case 24: return Unary(m, &S::LookupCommunes, role, bytes);
    case 25: return Unary(m, &S::LookupSkills, role, bytes);
    case 26: return Unary(h.access(), &server::AccessService::WhoAmI, role, bytes);
    case 27: return Unary(h.access(), &server::AccessService::CreateKey, role, bytes);
    case 28: return Unary(h.access(), &server::AccessService::ListKeys, role, bytes);
    case 29: {
      v1::RevokeKeyRequest request;
      if (!Parse(bytes, &request) || h.IsHarnessKey(request.key_id())) return;
      return Unary(h.access(), &server::AccessService::RevokeKey, role, bytes);
    }
    case 30: return Unary(h.access(), &server::AccessService::PutSharingAgreement, role, bytes);
    case 31: return Unary(h.access(), &server::AccessService::DeleteSharingAgreement, role, bytes);
    case 32: return Unary(h.access(), &server::AccessService::ListSharingAgreements, role, bytes);
    default: {
      v1::EraseOrganisationRequest request;
      if (!Parse(bytes, &request) || request.organisation() == "fuzz-org") return;
      return Unary(h.governance(), &server::GovernanceService::EraseOrganisation, role, bytes);
    }
  }
}

}  // namespace
}  // namespace passerelle::fuzz

// Cases 0..33 of Run.
constexpr int kRpcCount = 34;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  passerelle::fuzz::Run(data[0] % kRpcCount, data[1], passerelle::fuzz::AsView(data + 2, size - 2));
  return 0;
}
