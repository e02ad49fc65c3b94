// The fixture of the access tests (access_rpc_test.cc, keys_rpc_test.cc): an in-process server holding
// the mason (a candidate of the counsellor organisation) and the Bobigny opening with French training (of
// the employer organisation), and stubs acting for any organisation and role.
#ifndef PASSERELLE_TESTS_SERVER_ACCESS_FIXTURE_H_
#define PASSERELLE_TESTS_SERVER_ACCESS_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server::testing {

using Stub = v1::Matching::Stub;
using Code = grpc::StatusCode;

inline constexpr char kOtherOrg[] = "asso-horizon";

inline v1::Opening TrainedOpening() {
  v1::Opening o = MasonOpening();
  o.set_french_training_hours(400);  // the A2 mason becomes eligible
  return o;
}

template <class Request, class Response>
grpc::Status Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response = nullptr) {
  grpc::ClientContext context;
  Response ignored;
  return (stub.*method)(&context, request, response ? response : &ignored);
}

class AccessRpcTest : public ::testing::Test {
 protected:
  explicit AccessRpcTest(ServerOptions options = {}) : server_(std::move(options)) {
    grpc::ClientContext c1, c2;
    v1::PutCandidateRequest candidate;
    *candidate.mutable_candidate() = MasonCandidate();
    v1::PutCandidateResponse created;
    EXPECT_TRUE(server_.stub().PutCandidate(&c1, candidate, &created).ok());
    v1::PutOpeningRequest opening;
    *opening.mutable_opening() = TrainedOpening();
    v1::PutOpeningResponse opened;
    EXPECT_TRUE(server_.stub().PutOpening(&c2, opening, &opened).ok());
  }

  std::unique_ptr<Stub> As(const std::string& organisation, Role role) {
    return server_.StubWithKey(server_.NewKey(organisation, role));
  }
  grpc::Status GetCandidate(Stub& stub, const std::string& id, v1::GetCandidateResponse* response = nullptr) {
    v1::GetCandidateRequest request;
    request.set_candidate_id(id);
    return Call(stub, &Stub::GetCandidate, request, response);
  }
  std::vector<std::string> MatchedCandidates(Stub& stub, const std::string& opening_id) {
    v1::MatchCandidatesRequest request;
    request.set_opening_id(opening_id);
    v1::MatchCandidatesResponse response;
    grpc::Status status = Call(stub, &Stub::MatchCandidates, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> ids;
    for (const v1::Match& m : response.matches()) ids.push_back(m.id());
    return ids;
  }

  InProcessServer server_;
};

}  // namespace passerelle::server::testing

#endif  // PASSERELLE_TESTS_SERVER_ACCESS_FIXTURE_H_
