#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "integration/models.hpp"
#include "integration/support.hpp"

using namespace models;
using stitch::col;

namespace {

struct hostile {
  std::string value;
  std::string like;  // a LIKE pattern that matches the value (no backslash: PostgreSQL escapes)
};

const std::vector<hostile>& hostile_strings() {
  static const std::vector<hostile> values{
      {"O'Brien", "O'B%"},
      {"'); DROP TABLE data_sources; --", "%DROP TABLE%"},
      {"Robert'); DROP TABLE data_sources;--", "Robert'%"},
      {"' OR '1'='1", "%OR '1'%"},
      {"'; DELETE FROM data_sources WHERE 'a'='a", "%DELETE FROM%"},
      {"\"", "\""},
      {"\"\"\"", "\"\"\""},
      {"\"name\" = \"name\"", "\"name\"%"},
      {"''", "''"},
      {"back\\slash\\", "back%"},
      {"\\'", "%'"},
      {"\\\\\\", "%"},
      {"?", "?"},
      {"? ? ?", "?%"},
      {"$1 $2", "$1%"},
      {"-- comment", "--%"},
      {"/* comment */", "/*%"},
      {";", ";"},
      {"a%b_c", "a%b%"},
      {"\t\n\r\v\f", "\t%"},
      {"\x01\x02\x1f\x7f", "\x01%"},
      {"🚒🔥🚑 fire", "🚒%"},
      {"👨‍👩‍👧‍👦", "👨%"},
      {"消防署 救急車", "%救急%"},
      {"مركز الطوارئ", "مركز%"},
      {"עברית", "%ברי%"},
      {"\u202Eevil\u202C", "%evil%"},
      {"e\u0301 combining", "e%"},
      {"\uFEFFbom", "%bom"},
      {"   ", "   "},
      {"NULL", "NULL"},
  };
  return values;
}

std::string megabyte_string() {
  const std::string piece = "'); DROP TABLE data_sources; -- \"\\?% ";
  std::string out;
  out.reserve((1 << 20) + piece.size() + 16);
  while (out.size() < (1u << 20)) out += piece;
  out += "end \xF0\x9F\x9A\x92";  // a 4-byte character last
  return out;
}

}  // namespace

TEST_CASE("hostile strings are stored, read back and matched exactly", "[hostile]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  std::vector<std::int64_t> ids;
  for (const auto& h : hostile_strings()) {
    CsvFile csv;
    csv.name = h.value;
    csv.path = h.value;
    csv.delimiter = h.value;
    csv.description = h.value;
    db->save(csv);
    ids.push_back(csv.id);
  }
  const auto n = static_cast<std::int64_t>(hostile_strings().size());
  REQUIRE(db->all<DataSource>().count() == n);

  for (std::size_t i = 0; i < hostile_strings().size(); ++i) {
    const auto& h = hostile_strings()[i];
    INFO("value: " << h.value);
    const auto found = db->find<CsvFile>(ids[i]);
    CHECK(found->name == h.value);
    CHECK(found->path == h.value);
    CHECK(found->delimiter == h.value);
    CHECK(found->description == std::optional<std::string>(h.value));

    CHECK(db->all<DataSource>()
              .where(col<&DataSource::name> == h.value)
              .pluck(col<&DataSource::id>) == std::vector<std::int64_t>{ids[i]});
    CHECK(db->all<CsvFile>().where(col<&CsvFile::path> == h.value).count() == 1);
    CHECK(db->all<DataSource>()
              .where(col<&DataSource::description> == std::optional<std::string>(h.value))
              .count() == 1);
    CHECK(db->all<DataSource>().where("\"name\" = ?", h.value).count() == 1);
    CHECK(db->all<DataSource>().where(col<&DataSource::name> != h.value).count() == n - 1);

    const auto liked = db->all<DataSource>()
                           .where(col<&DataSource::name>.like(h.like))
                           .pluck(col<&DataSource::id>);
    CHECK(std::find(liked.begin(), liked.end(), ids[i]) != liked.end());
  }

  std::vector<std::string> all_values;
  for (const auto& h : hostile_strings()) all_values.push_back(h.value);
  CHECK(db->all<DataSource>().where(col<&DataSource::name>.in(all_values)).count() == n);
  CHECK(db->all<DataSource>().order_by(col<&DataSource::id>).pluck(col<&DataSource::name>) ==
        all_values);

  // Updating with hostile values rewrites them exactly too.
  auto first = db->find<CsvFile>(ids[0]);
  first->name = hostile_strings()[1].value + hostile_strings()[5].value;
  db->save(*first);
  CHECK(db->find<DataSource>(ids[0])->name ==
        hostile_strings()[1].value + hostile_strings()[5].value);

  // The table survived every value.
  db->check_schema<DataSource>();
  CHECK(db->all<DataSource>().count() == n);
}

TEST_CASE("a 1 MB string is stored, read back, compared and updated exactly", "[hostile]") {
  stitch::test::test_database db;
  db->create_schema<DataSource>();
  const std::string big = megabyte_string();
  REQUIRE(big.size() > (1u << 20));
  Socrata s;
  s.name = "big";
  s.domain = "d";
  s.dataset_id = "x";
  s.app_token = big;
  s.description = big;
  db->save(s);

  const auto found = db->find<Socrata>(s.id);
  CHECK(found.app_token->size() == big.size());
  CHECK(found.app_token == std::optional<std::string>(big));
  CHECK(found.description == std::optional<std::string>(big));
  CHECK(db->all<Socrata>().where(col<&Socrata::app_token> == big).count() == 1);
  CHECK(db->all<Socrata>().where(col<&Socrata::app_token>.like("'); DROP TABLE%")).count() == 1);
  CHECK(db->all<Socrata>().where(col<&Socrata::app_token> == big.substr(1)).count() == 0);

  s.app_token = big + "!";
  db->save(s);
  CHECK(db->find<Socrata>(s.id).app_token == std::optional<std::string>(big + "!"));
  CHECK(db->all<Socrata>().pluck(col<&Socrata::app_token>).at(0) ==
        std::optional<std::string>(big + "!"));
  db->check_schema<DataSource>();
}

TEST_CASE("hostile table names, keyword columns and discriminators are quoted everywhere",
          "[hostile][sti]") {
  stitch::test::test_database db;
  db->create_schema<Odd>();
  db->create_schema<Odd>();  // twice: IF NOT EXISTS and the schema check see the same name
  CHECK(db->table_name<Odd>() == "odd \"q\" 't'; --");

  Odd parent;
  parent.select = "parent";
  parent.order = 2;
  parent.from = "somewhere";
  db->save(parent);
  OddChild child;
  child.select = "child";
  child.order = 1;
  child.group = 7;
  db->save(child);
  CHECK(child.type_name() == "it's \"odd\"'); DROP TABLE x; --");

  const auto all = db->all<Odd>().order_by(col<&Odd::order>).to_vector();
  REQUIRE(all.size() == 2);
  CHECK(typeid(*all[0]) == typeid(OddChild));
  CHECK(dynamic_cast<const OddChild&>(*all[0]).group == 7);
  CHECK(typeid(*all[1]) == typeid(Odd));
  CHECK(all[1]->from == std::optional<std::string>("somewhere"));

  std::vector<OddChild> children = db->all<OddChild>().to_vector();
  REQUIRE(children.size() == 1);
  CHECK(children[0].select == "child");
  CHECK(db->all<Odd>().where("\"type\" = ?", std::string(child.type_name())).count() == 1);
  CHECK(db->all<Odd>().where(col<&Odd::select> == "parent").pluck(col<&Odd::from>) ==
        std::vector<std::optional<std::string>>{"somewhere"});
  CHECK(db->all<Odd>().where(col<&OddChild::group> > 0).count() == 1);
  CHECK(db->find<OddChild>(child.id).group == 7);

  child.group = 8;
  db->save(child);
  db->reload(child);
  CHECK(child.group == 8);
  CHECK(db->destroy(parent));
  CHECK(db->all<Odd>().count() == 1);
  db->check_schema<Odd>();
}
