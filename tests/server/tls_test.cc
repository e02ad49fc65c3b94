// TLS and mutual TLS on the listening port, with certificates made by the openssl command line in the
// test's directory (a CA, a server certificate for 127.0.0.1, client certificates whose subject names
// the organisation and the role), and the refusal to serve a non-loopback address in clear.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace passerelle::server {
namespace {

using ::passerelle::server::testing::InProcessServer;
using ::passerelle::server::testing::KeyedChannel;
using ::passerelle::server::testing::MasonCandidate;
using ::passerelle::server::testing::TempDir;
using Code = grpc::StatusCode;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The certificates of docs/security.md ("Test certificates"), made once for the whole file.
class Certificates {
 public:
  Certificates() {
    const std::string d = dir_.path();
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    Run(absl::StrCat("openssl req -x509 ", ec, " -keyout ", d, "/ca.key -out ", d,
                     "/ca.pem -days 2 -subj '/CN=Passerelle test CA'"));
    Run(absl::StrCat("printf 'subjectAltName=DNS:localhost,IP:127.0.0.1' > ", d, "/san.ext"));
    Issue("server", "/CN=localhost", "-extfile " + d + "/san.ext");
    Issue("counsellor", "/O=ft-agence-bobigny/OU=counsellor/CN=poste-3", "");
    Issue("employer", "/O=platform-horizon/OU=employer/CN=rh", "");
    Issue("norole", "/O=ft-agence-bobigny/OU=intern/CN=x", "");
  }
  std::string Path(const std::string& name) const { return dir_.Sub(name); }
  std::string Pem(const std::string& name) const { return Slurp(dir_.Sub(name)); }
  bool ok() const { return ok_; }

 private:
  void Run(const std::string& command) {
    const int status = std::system((command + " 2>/dev/null").c_str());
    if (status != 0) {
      ok_ = false;
      ADD_FAILURE() << "failed: " << command;
    }
  }
  void Issue(const std::string& name, const std::string& subject, const std::string& extra) {
    const std::string d = dir_.path();
    Run(absl::StrCat("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ", d, "/", name,
                     ".key -out ", d, "/", name, ".csr -subj '", subject, "'"));
    Run(absl::StrCat("openssl x509 -req -in ", d, "/", name, ".csr -CA ", d, "/ca.pem -CAkey ", d,
                     "/ca.key -CAcreateserial -days 2 -out ", d, "/", name, ".pem ", extra));
  }
  TempDir dir_;
  bool ok_ = true;
};

const Certificates& Certs() {
  static const Certificates* certs = new Certificates();
  return *certs;
}

ServerOptions Tls(bool mutual) {
  ServerOptions options;
  options.tls_cert_file = Certs().Path("server.pem");
  options.tls_key_file = Certs().Path("server.key");
  if (mutual) options.tls_client_ca_file = Certs().Path("ca.pem");
  return options;
}

std::shared_ptr<grpc::ChannelCredentials> ClientTls(const std::string& client = "") {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = Certs().Pem("ca.pem");
  if (!client.empty()) {
    ssl.pem_cert_chain = Certs().Pem(client + ".pem");
    ssl.pem_private_key = Certs().Pem(client + ".key");
  }
  return grpc::SslCredentials(ssl);
}

grpc::Status ListProfiles(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ListScoringProfilesResponse response;
  return v1::Matching::NewStub(channel)->ListScoringProfiles(&context, v1::ListScoringProfilesRequest(), &response);
}

grpc::Status PutMason(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::PutCandidateRequest request;
  *request.mutable_candidate() = MasonCandidate();
  v1::PutCandidateResponse response;
  return v1::Matching::NewStub(channel)->PutCandidate(&context, request, &response);
}

TEST(TlsTest, KeysWorkOverTlsAndAPlaintextClientIsRefused) {
  ASSERT_TRUE(Certs().ok());
  InProcessServer server(Tls(/*mutual=*/false));
  EXPECT_TRUE(ListProfiles(KeyedChannel(server.address(), {{"", server.counsellor_key()}}, ClientTls())).ok());
  EXPECT_EQ(ListProfiles(KeyedChannel(server.address(), {{"", ""}}, ClientTls())).error_code(), Code::UNAUTHENTICATED);
  EXPECT_EQ(ListProfiles(KeyedChannel(server.address(), {{"", server.counsellor_key()}})).error_code(),
            Code::UNAVAILABLE);
}

TEST(TlsTest, UnderMutualTlsTheCertificateSubjectNamesTheOrganisationAndTheRole) {
  ASSERT_TRUE(Certs().ok());
  InProcessServer server(Tls(/*mutual=*/true));
  auto counsellor = KeyedChannel(server.address(), {{"", ""}}, ClientTls("counsellor"));
  const grpc::Status put = PutMason(counsellor);
  EXPECT_TRUE(put.ok()) << put.error_message();
  grpc::ClientContext context;
  v1::GetCandidateRequest get;
  get.set_candidate_id("cand-mason");
  v1::GetCandidateResponse got;
  ASSERT_TRUE(v1::Matching::NewStub(counsellor)->GetCandidate(&context, get, &got).ok());
  EXPECT_EQ(got.candidate().owner_id(), "ft-agence-bobigny");

  EXPECT_EQ(PutMason(KeyedChannel(server.address(), {{"", ""}}, ClientTls("employer"))).error_code(),
            Code::PERMISSION_DENIED);
  EXPECT_EQ(ListProfiles(KeyedChannel(server.address(), {{"", ""}}, ClientTls("norole"))).error_code(),
            Code::UNAUTHENTICATED);
  // No client certificate: the handshake fails.
  EXPECT_EQ(ListProfiles(KeyedChannel(server.address(), {{"", server.counsellor_key()}}, ClientTls())).error_code(),
            Code::UNAVAILABLE);
  // A key must name the certificate's organisation.
  EXPECT_EQ(ListProfiles(KeyedChannel(server.address(), {{"", server.employer_key()}}, ClientTls("counsellor")))
                .error_code(),
            Code::UNAUTHENTICATED);
}

TEST(ListenTest, ANonLoopbackAddressWithoutTlsIsRefusedUnlessAllowed) {
  SetLoggingEnabled(false);
  TempDir dir;
  ServerOptions options;
  options.listen_address = "0.0.0.0:0";
  options.data_dir = dir.Sub("data");
  options.reference_data = testing::SharedReferenceData();
  auto refused = PasserelleServer::Start(options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StartsWith(refused.status().message(), "listen: ")) << refused.status();

  options.allow_insecure_remote = true;
  options.shutdown_grace_seconds = 1;
  auto server = PasserelleServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string admin = testing::ReadFirstLine(BootstrapKeyFile(options));
  auto created = (*server)->access().CreateKey("ft-agence-bobigny", Role::kCounsellor, absl::ZeroDuration(), "");
  ASSERT_TRUE(created.ok());
  const std::string address = "127.0.0.1:" + std::to_string((*server)->port());
  EXPECT_TRUE(PutMason(KeyedChannel(address, {{"", created->second}})).ok());
  EXPECT_EQ(PutMason(KeyedChannel(address, {{"", admin}})).error_code(), Code::PERMISSION_DENIED);
  EXPECT_EQ(PutMason(KeyedChannel(address, {{"", ""}})).error_code(), Code::UNAUTHENTICATED);
  EXPECT_EQ(PutMason(KeyedChannel(address, {{"", created->second + "x"}})).error_code(), Code::UNAUTHENTICATED);
}

}  // namespace
}  // namespace passerelle::server
