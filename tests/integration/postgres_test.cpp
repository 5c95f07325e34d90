// PostgreSQL-only behaviour: connecting, the DDL Rails' PostgreSQL adapter writes, conflicts
// between transactions, and connections the server ends. Everything else is tested once for
// every backend. Run with --database postgres (STITCH_TEST_POSTGRES names the server).
#include <catch2/catch.hpp>

#include <stitch/postgres.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The parts of STITCH_TEST_POSTGRES (postgresql://user:password@host:port/dbname).
struct uri_parts {
  std::string user, password, host, port, dbname;

  static uri_parts of(const std::string& uri) {
    uri_parts p;
    auto rest = uri.substr(uri.find("://") + 3);
    const auto at = rest.rfind('@');
    const auto credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    p.user = credentials.substr(0, credentials.find(':'));
    p.password = credentials.substr(credentials.find(':') + 1);
    const auto slash = rest.find('/');
    const auto host_port = rest.substr(0, slash);
    p.host = host_port.substr(0, host_port.rfind(':'));
    p.port = host_port.substr(host_port.rfind(':') + 1);
    p.dbname = rest.substr(slash + 1, rest.find('?', slash) - slash - 1);
    return p;
  }
  [[nodiscard]] std::string uri() const {
    return "postgresql://" + user + ":" + password + "@" + host + ":" + port + "/" + dbname;
  }
};

/// The message of the connection_error that connecting to `uri` throws.
std::string refusal(const std::string& uri) {
  try {
    (void)stitch::postgres::connect(uri, {.connect_timeout = 5s});
  } catch (const stitch::connection_error& e) {
    return e.what();
  }
  FAIL("connected to " << uri);
  return {};
}

std::int64_t backend_pid(stitch::database& db) {
  return db.query_value<std::int64_t>("SELECT CAST(pg_backend_pid() AS bigint)");
}

}  // namespace

TEST_CASE("connection failures name host and port, never the password",
          "[postgres][errors][connection]") {
  const auto good = uri_parts::of(stitch::test::postgres_uri());
  const std::string where = good.host + ":" + good.port;

  auto wrong_password = good;
  wrong_password.password = "not-the-secret-42";
  auto message = refusal(wrong_password.uri());
  CHECK(contains(message, "[stitch.connection_error]"));
  CHECK(contains(message, where));
  CHECK(contains(message, "password authentication failed"));
  CHECK_FALSE(contains(message, "not-the-secret-42"));

  auto wrong_user = good;
  wrong_user.user = "nobody_here";
  message = refusal(wrong_user.uri());
  CHECK(contains(message, where));
  CHECK(contains(message, "nobody_here"));
  CHECK_FALSE(contains(message, good.password));

  auto wrong_port = good;
  wrong_port.port = "1";  // nothing listens on a privileged port here
  message = refusal(wrong_port.uri());
  CHECK(contains(message, good.host + ":1"));
  CHECK_FALSE(contains(message, good.password));

  auto wrong_host = good;
  wrong_host.host = "no-such-host.invalid";
  message = refusal(wrong_host.uri());
  CHECK(contains(message, "no-such-host.invalid:" + good.port));
  CHECK_FALSE(contains(message, good.password));

  auto wrong_database = good;
  wrong_database.dbname = "no_such_database";
  message = refusal(wrong_database.uri());
  CHECK(contains(message, "no_such_database"));
  CHECK(contains(message, "does not exist"));
  CHECK_FALSE(contains(message, good.password));

  message = refusal("postgresql://" + good.user + ":" + good.password + "@" + good.host +
                    ":notaport/" + good.dbname);
  CHECK(contains(message, "notaport"));
  CHECK_FALSE(contains(message, good.password));
  message = refusal("postgresql://[::1");
  CHECK(contains(message, "not valid"));
}

TEST_CASE("a key=value connection string connects as a URI does", "[postgres][connection]") {
  const auto p = uri_parts::of(stitch::test::postgres_uri());
  auto db = stitch::postgres::connect("host=" + p.host + " port=" + p.port + " user=" + p.user +
                                      " password=" + p.password + " dbname=" + p.dbname);
  CHECK(db.query_value<std::int64_t>("SELECT 1") == 1);
  CHECK(db.connection().describe() ==
        "postgresql://" + p.user + "@" + p.host + ":" + p.port + "/" + p.dbname);
  CHECK(db.query_value<std::string>("SHOW TimeZone") == "UTC");
  CHECK(db.query_value<std::string>("SHOW client_encoding") == "UTF8");
}

TEST_CASE("the schema is written in the DDL Rails' PostgreSQL adapter writes",
          "[postgres][schema]") {
  stitch::test::test_database db;
  db->create_schema<Sample, DataSource>();
  auto type_of = [&](const std::string& table, const std::string& column) {
    return db->query_value<std::string>(
        "SELECT data_type || coalesce('(' || datetime_precision || ')', '') FROM "
        "information_schema.columns WHERE table_schema = current_schema() AND table_name = ? "
        "AND column_name = ?",
        table, column);
  };
  CHECK(type_of("samples", "id") == "bigint");
  CHECK(type_of("samples", "small") == "integer");
  CHECK(type_of("samples", "big") == "bigint");
  CHECK(type_of("samples", "real") == "double precision");
  CHECK(type_of("samples", "flag") == "boolean");
  CHECK(type_of("samples", "text") == "character varying");
  CHECK(type_of("samples", "at") == "timestamp without time zone(6)");
  CHECK(type_of("samples", "bytes") == "bytea");
  CHECK(type_of("data_sources", "type") == "character varying");
  CHECK(db->query_value<std::string>(
            "SELECT column_default FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = 'samples' AND column_name = 'id'") ==
        "nextval('samples_id_seq'::regclass)");
  CHECK(db->query_value<std::string>(
            "SELECT is_nullable FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = 'samples' AND column_name = 'maybe_text'") == "YES");
  CHECK(db->query_value<std::string>(
            "SELECT is_nullable FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = 'samples' AND column_name = 'text'") == "NO");
}

TEST_CASE("a serialization failure throws transaction_conflict and keeps the connection",
          "[postgres][errors][transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  auto a = db.another_connection();
  auto b = db.another_connection();
  // Write skew: each reads what the other writes.
  auto ta = a.transaction(stitch::intent::write, stitch::isolation::serializable);
  auto tb = b.transaction(stitch::intent::write, stitch::isolation::serializable);
  CHECK(a.all<Tag>().count() == 0);
  CHECK(b.all<Tag>().count() == 0);
  Tag from_a = make_tag("a");
  Tag from_b = make_tag("b");
  a.save(from_a);
  ta.commit();
  CHECK_THROWS_WITH(
      [&] {
        b.save(from_b);
        tb.commit();
      }(),
      Catch::Contains("[stitch.transaction_conflict]") && Catch::Contains("retry"));
  tb.rollback();
  CHECK_FALSE(b.in_transaction());
  CHECK(b.all<Tag>().pluck(col<&Tag::name>) == std::vector<std::string>{"a"});
  b.save(from_b);  // the object was not kept as saved: saved now
  CHECK(b.all<Tag>().count() == 2);
}

TEST_CASE("a deadlock throws transaction_conflict in one of the two transactions",
          "[postgres][errors][transaction]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  Tag one = make_tag("one");
  Tag two = make_tag("two");
  db->save(one);
  db->save(two);
  auto a = db.another_connection();
  auto b = db.another_connection();
  auto ta = a.transaction(stitch::intent::write);
  auto tb = b.transaction(stitch::intent::write);
  auto a_one = a.find<Tag>(one.id);
  auto b_two = b.find<Tag>(two.id);
  a.save(a_one);  // a locks one
  b.save(b_two);  // b locks two
  auto a_two = a.find<Tag>(two.id);
  auto b_one = b.find<Tag>(one.id);
  auto waiting = std::async(std::launch::async, [&]() -> std::string {
    try {
      a.save(a_two);  // waits for b
      return "saved";
    } catch (const stitch::transaction_conflict& e) {
      ta.rollback();  // only the save was undone: its transaction still holds `one`
      return e.what();
    }
  });
  std::string b_outcome = "saved";
  std::this_thread::sleep_for(100ms);
  try {
    b.save(b_one);  // waits for a: a deadlock, which the server breaks after a second
  } catch (const stitch::transaction_conflict& e) {
    b_outcome = e.what();
  }
  if (b_outcome != "saved") tb.rollback();  // lets a go on
  const auto a_outcome = waiting.get();
  INFO("a: " << a_outcome << "\nb: " << b_outcome);
  CHECK(((a_outcome == "saved") != (b_outcome == "saved")));
  CHECK(contains(a_outcome == "saved" ? b_outcome : a_outcome, "deadlock"));
}

TEST_CASE("a connection the server ends inside a transaction throws connection_error and "
          "writes nothing",
          "[postgres][errors][connection]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  auto victim = db.another_connection();
  Tag kept = make_tag("kept");
  victim.save(kept);
  const auto pid = backend_pid(victim);
  {
    auto tx = victim.transaction(stitch::intent::write);
    Tag lost = make_tag("lost");
    victim.save(lost);
    CHECK(db->query_value<bool>("SELECT pg_terminate_backend(CAST(? AS integer))", pid));
    Tag after = make_tag("after");
    CHECK_THROWS_WITH(victim.save(after), Catch::Contains("[stitch.connection_error]"));
    CHECK_FALSE(victim.connected());
    CHECK(after.new_record());
  }  // the rollback of a lost connection does not throw
  CHECK_THROWS_WITH(victim.all<Tag>().count(),
                    Catch::Contains("[stitch.connection_error]") && Catch::Contains("lost"));
  auto again = db.another_connection();
  CHECK(again.all<Tag>().pluck(col<&Tag::name>) == std::vector<std::string>{"kept"});

  // A pool replaces a lost connection.
  stitch::pool pool([&] { return db.another_connection(); }, 1);
  std::int64_t first_pid = 0;
  {
    auto lease = pool.acquire();
    first_pid = backend_pid(*lease);
    CHECK(db->query_value<bool>("SELECT pg_terminate_backend(CAST(? AS integer))", first_pid));
    CHECK_THROWS_AS(lease->all<Tag>().count(), stitch::connection_error);
  }
  CHECK(pool.open_count() == 0);
  auto lease = pool.acquire();
  CHECK(backend_pid(*lease) != first_pid);
  CHECK(lease->all<Tag>().count() == 1);
}

// Hidden from the default run: it restarts the server, so ctest runs it alone.
TEST_CASE("a server stopped during a transaction gives connection_error and no partial write",
          "[.][postgres][errors][connection][restart]") {
  const char* restart = std::getenv("STITCH_TEST_POSTGRES_RESTART");
  REQUIRE(restart != nullptr);  // scripts/with-postgres sets it
  stitch::test::test_database db;
  db->create_schema<Tag>();
  auto victim = db.another_connection();
  Tag kept = make_tag("kept");
  victim.save(kept);
  {
    auto tx = victim.transaction(stitch::intent::write);
    std::vector<Tag> batch(3, make_tag("lost"));
    victim.save_all(batch);
    REQUIRE(std::system(restart) == 0);  // pg_ctl stop -m fast, then start
    CHECK_THROWS_WITH(tx.commit(), Catch::Contains("[stitch.connection_error]"));
    CHECK_FALSE(victim.connected());
  }
  auto again = db.another_connection();
  CHECK(again.all<Tag>().pluck(col<&Tag::name>) == std::vector<std::string>{"kept"});
}

TEST_CASE("a range-for over a query reads through a cursor in batches and closes it at the end",
          "[postgres][query]") {
  stitch::test::test_database db;
  db->create_schema<Tag>();
  std::vector<Tag> tags(2500);
  for (std::size_t i = 0; i < tags.size(); ++i) tags[i].name = "tag " + std::to_string(i);
  db->save_all(tags);
  const auto open_cursors = [&] {
    return db->query_value<std::int64_t>(
        "SELECT count(*) FROM pg_cursors WHERE name LIKE 'stitch_cursor_%'");
  };

  // Three batches of 1000; the loop's own writes run between them.
  auto q = db->all<Tag>().order_by(col<&Tag::id>);
  std::int64_t n = 0;
  std::int64_t open_inside = -1;
  for (auto& tag : q) {
    if (n == 0) open_inside = open_cursors();
    CHECK(tag.name == "tag " + std::to_string(n));
    if (n % 1000 == 999) {
      tag.name += " seen";
      db->save(tag);
    }
    ++n;
  }
  CHECK(n == 2500);
  CHECK(open_inside == 1);
  CHECK(open_cursors() == 0);
  CHECK(db->all<Tag>().where(col<&Tag::name>.like("% seen")).count() == 2);

  // Leaving early closes it too, once the query runs again or goes.
  {
    auto early = db->all<Tag>();
    for (auto& tag : early) {
      (void)tag;
      break;
    }
  }
  CHECK(open_cursors() == 0);

  // Inside a transaction that rolls back: the cursor goes with it, and nothing is left.
  {
    auto tx = db->transaction();
    auto inside = db->all<Tag>();
    std::int64_t m = 0;
    for (auto& tag : inside) {
      (void)tag;
      if (++m == 1500) break;
    }
    tx.rollback();
  }
  CHECK(open_cursors() == 0);
  CHECK(db->all<Tag>().count() == 2500);
}
