// SqlScalarClient over libmariadb (Connector/C). One connection per statement:
// its read timeout is fixed at connect time, and a timed-out statement leaves
// the connection unusable anyway.
#include <mysql.h>

#include <errmsg.h>
#include <netdb.h>
#include <sys/socket.h>

#include <memory>

#include "core/executor.h"
#include "doris/doris_sql.h"

namespace streamprobe {
namespace {

using Handle = std::unique_ptr<MYSQL, decltype(&mysql_close)>;

// Whole seconds left until `deadline`, rounded up; 0 when it has passed.
unsigned SecondsLeft(Clock::time_point deadline) {
  const auto ms = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return ms <= 0 ? 0u : static_cast<unsigned>((ms + 999) / 1000);
}

Reason ReasonOf(unsigned code, Clock::time_point deadline) {
  switch (code) {
    case 1044:  // ER_DBACCESS_DENIED_ERROR
    case 1045:  // ER_ACCESS_DENIED_ERROR
    case 1698:  // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
      return Reason::kAuth;
    case CR_UNKNOWN_HOST:
      return Reason::kDns;
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_GONE_ERROR:
      // The client reports a read or connect timeout with these codes too.
      return Clock::now() + Millis(50) >= deadline ? Reason::kTimeout : Reason::kRefused;
    default:
      return Reason::kOther;
  }
}

// libmariadb resolves names with a blocking getaddrinfo that no timeout
// bounds, so the name is resolved here on the shared executor, waited for
// until `deadline`, and libmariadb is given the numeric address.
Result<std::string> ResolveNumeric(const std::string& host, Clock::time_point deadline) {
  struct Resolved {
    int error = 0;
    std::string address;
  };
  auto call = CallWithDeadline<Resolved>(Executor::Shared(), deadline, "resolving " + host, [host] {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list);
    char text[NI_MAXHOST] = {0};
    const int ni = rc == 0 ? getnameinfo(list->ai_addr, list->ai_addrlen, text, sizeof text,
                                         nullptr, 0, NI_NUMERICHOST)
                           : rc;
    if (list) freeaddrinfo(list);
    return Resolved{ni, text};
  });
  if (!call.ok()) return Result<std::string>::Fail(call.status);
  if (call.value.error != 0) {
    const int e = call.value.error;
    const bool no_name = e == EAI_NONAME || e == EAI_NODATA || e == EAI_AGAIN || e == EAI_FAIL;
    return Result<std::string>::Fail(no_name ? Reason::kDns : Reason::kOther,
                                     "cannot resolve " + host + ": " + gai_strerror(e));
  }
  return Result<std::string>::Of(call.value.address);
}

Status Failure(MYSQL* m, Clock::time_point deadline) {
  const unsigned code = mysql_errno(m);
  return Status::Fail(ReasonOf(code, deadline),
                      "MySQL error " + std::to_string(code) + ": " + mysql_error(m));
}

class MariaDbClient : public SqlScalarClient {
 public:
  MariaDbClient() {
    static std::once_flag once;
    std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
  }

  Result<std::string> QueryScalar(const DorisSqlConfig& c, const std::string& sql,
                                  Clock::time_point deadline) override {
    using R = Result<std::string>;
    auto address = ResolveNumeric(c.address.host, deadline);
    if (!address.ok()) return R::Fail(address.status);
    const unsigned seconds = SecondsLeft(deadline);
    if (seconds == 0) return R::Fail(Reason::kTimeout, "deadline passed before connecting");
    Handle m(mysql_init(nullptr), &mysql_close);
    if (!m) return R::Fail(Reason::kOther, "mysql_init failed");
    const unsigned protocol = MYSQL_PROTOCOL_TCP;
    mysql_options(m.get(), MYSQL_OPT_PROTOCOL, &protocol);
    mysql_options(m.get(), MYSQL_OPT_CONNECT_TIMEOUT, &seconds);
    mysql_options(m.get(), MYSQL_OPT_READ_TIMEOUT, &seconds);
    mysql_options(m.get(), MYSQL_OPT_WRITE_TIMEOUT, &seconds);
    const char* db = c.database.empty() ? nullptr : c.database.c_str();
    if (!mysql_real_connect(m.get(), address.value.c_str(), c.user.c_str(),
                            c.password.value.c_str(), db,
                            static_cast<unsigned>(c.address.port), nullptr, 0)) {
      return R::Fail(Failure(m.get(), deadline));
    }
    if (mysql_real_query(m.get(), sql.data(), sql.size()) != 0) {
      return R::Fail(Failure(m.get(), deadline));
    }
    // Streamed, so a huge result costs one row of memory, not all of them.
    std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> res(mysql_use_result(m.get()),
                                                                 &mysql_free_result);
    if (!res) {
      if (mysql_errno(m.get()) != 0) return R::Fail(Failure(m.get(), deadline));
      return R::Fail(Reason::kBadPayload, "statement returned no result set");
    }
    MYSQL_ROW row = mysql_fetch_row(res.get());
    if (!row) {
      if (mysql_errno(m.get()) != 0) return R::Fail(Failure(m.get(), deadline));
      return R::Fail(Reason::kBadPayload, "statement returned no row");
    }
    unsigned long* lengths = mysql_fetch_lengths(res.get());
    if (mysql_num_fields(res.get()) < 1 || !row[0] || !lengths) {
      return R::Fail(Reason::kBadPayload, "first column is NULL");
    }
    return R::Of(std::string(row[0], std::min<unsigned long>(lengths[0], 256)));
  }
};

}  // namespace

std::shared_ptr<SqlScalarClient> NewMariaDbClient() { return std::make_shared<MariaDbClient>(); }

}  // namespace streamprobe
