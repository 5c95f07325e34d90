#include <catch2/catch.hpp>

#include <stitch/detail/naming.hpp>

// Expected values are what ActiveSupport 7 answers for "Name".tableize / underscore /
// pluralize, so that stitch finds the tables of an existing Rails application.

using stitch::detail::pluralize;
using stitch::detail::table_name_for;
using stitch::detail::underscore;

TEST_CASE("table names follow Rails: snake_case plural of the class name", "[naming]") {
  CHECK(table_name_for("DataSource") == "data_sources");
  CHECK(table_name_for("CsvFile") == "csv_files");
  CHECK(table_name_for("UniqueValue") == "unique_values");
  CHECK(table_name_for("Category") == "categories");
  CHECK(table_name_for("Person") == "people");
}

TEST_CASE("underscore splits words at case changes and keeps acronyms whole", "[naming]") {
  CHECK(underscore("DataSource") == "data_source");
  CHECK(underscore("CSVFile") == "csv_file");
  CHECK(underscore("CsvFile") == "csv_file");
  CHECK(underscore("IOError") == "io_error");
  CHECK(underscore("HTMLParser") == "html_parser");
  CHECK(underscore("HTML5Parser") == "html5_parser");
  CHECK(underscore("S3Bucket") == "s3_bucket");
  CHECK(underscore("Version2Beta") == "version2_beta");
  CHECK(underscore("Model3D") == "model3_d");
  CHECK(underscore("URL") == "url");
  CHECK(underscore("A") == "a");
  CHECK(underscore("Thing") == "thing");
  CHECK(underscore("already_snake") == "already_snake");
}

TEST_CASE("underscore keeps only the last part of a qualified name", "[naming]") {
  CHECK(underscore("app::models::DataSource") == "data_source");
  CHECK(underscore("Admin::CSVFile") == "csv_file");
  CHECK(underscore("(anonymous namespace)::Widget") == "widget");
  CHECK(table_name_for("app::models::DataSource") == "data_sources");
  CHECK(table_name_for("billing::Person") == "people");
}

TEST_CASE("pluralize adds s by default", "[naming]") {
  CHECK(pluralize("day") == "days");
  CHECK(pluralize("key") == "keys");
  CHECK(pluralize("boy") == "boys");
  CHECK(pluralize("file") == "files");
  CHECK(pluralize("giraffe") == "giraffes");
  CHECK(pluralize("photo") == "photos");
  CHECK(pluralize("archive") == "archives");
  CHECK(pluralize("hive") == "hives");
}

TEST_CASE("pluralize turns consonant + y into ies", "[naming]") {
  CHECK(pluralize("category") == "categories");
  CHECK(pluralize("query") == "queries");
  CHECK(pluralize("soliloquy") == "soliloquies");
  CHECK(pluralize("entity") == "entities");
}

TEST_CASE("pluralize adds es after x, ch, ss and sh", "[naming]") {
  CHECK(pluralize("box") == "boxes");
  CHECK(pluralize("tax") == "taxes");
  CHECK(pluralize("match") == "matches");
  CHECK(pluralize("batch") == "batches");
  CHECK(pluralize("dish") == "dishes");
  CHECK(pluralize("class") == "classes");
  CHECK(pluralize("address") == "addresses");
  CHECK(pluralize("business") == "businesses");
}

TEST_CASE("pluralize leaves other words ending in s alone", "[naming]") {
  CHECK(pluralize("news") == "news");
  CHECK(pluralize("campus") == "campus");
  CHECK(pluralize("posts") == "posts");
}

TEST_CASE("pluralize follows Rails' rules for us, is, um and o endings", "[naming]") {
  CHECK(pluralize("status") == "statuses");
  CHECK(pluralize("alias") == "aliases");
  CHECK(pluralize("bus") == "buses");
  CHECK(pluralize("octopus") == "octopi");
  CHECK(pluralize("virus") == "viri");
  CHECK(pluralize("analysis") == "analyses");
  CHECK(pluralize("basis") == "bases");
  CHECK(pluralize("axis") == "axes");
  CHECK(pluralize("testis") == "testes");
  CHECK(pluralize("datum") == "data");
  CHECK(pluralize("medium") == "media");
  CHECK(pluralize("album") == "albums");
  CHECK(pluralize("buffalo") == "buffaloes");
  CHECK(pluralize("tomato") == "tomatoes");
}

TEST_CASE("pluralize turns f and fe into ves as Rails does", "[naming]") {
  CHECK(pluralize("wolf") == "wolves");
  CHECK(pluralize("half") == "halves");
  CHECK(pluralize("elf") == "elves");
  CHECK(pluralize("dwarf") == "dwarves");
  CHECK(pluralize("knife") == "knives");
  CHECK(pluralize("life") == "lives");
  CHECK(pluralize("roof") == "roofs");
}

TEST_CASE("pluralize knows quiz, index, matrix, vertex, mouse and louse", "[naming]") {
  CHECK(pluralize("quiz") == "quizzes");
  CHECK(pluralize("index") == "indices");
  CHECK(pluralize("matrix") == "matrices");
  CHECK(pluralize("vertex") == "vertices");
  CHECK(pluralize("mouse") == "mice");
  CHECK(pluralize("louse") == "lice");
}

TEST_CASE("pluralize knows Rails' irregular words", "[naming]") {
  CHECK(pluralize("person") == "people");
  CHECK(pluralize("man") == "men");
  CHECK(pluralize("child") == "children");
  CHECK(pluralize("sex") == "sexes");
  CHECK(pluralize("move") == "moves");
  CHECK(pluralize("zombie") == "zombies");
  CHECK(pluralize("ox") == "oxen");
}

TEST_CASE("pluralize leaves Rails' uncountable words alone", "[naming]") {
  for (const char* word : {"equipment", "information", "rice", "money", "species", "series", "fish",
                           "sheep", "jeans", "police"}) {
    INFO(word);
    CHECK(pluralize(word) == word);
  }
}

TEST_CASE("pluralize applies its rules to the last word of a snake_case name", "[naming]") {
  CHECK(pluralize("data_source") == "data_sources");
  CHECK(pluralize("product_category") == "product_categories");
  CHECK(pluralize("sales_person") == "sales_people");
  CHECK(pluralize("search_index") == "search_indices");
  CHECK(pluralize("box_status") == "box_statuses");
}

TEST_CASE("table names of Rails' example classes", "[naming]") {
  CHECK(table_name_for("DataSource") == "data_sources");
  CHECK(table_name_for("CSVFile") == "csv_files");
  CHECK(table_name_for("Category") == "categories");
  CHECK(table_name_for("Person") == "people");
  CHECK(table_name_for("Status") == "statuses");
  CHECK(table_name_for("Box") == "boxes");
  CHECK(table_name_for("Match") == "matches");
  CHECK(table_name_for("Wolf") == "wolves");
  CHECK(table_name_for("Knife") == "knives");
  CHECK(table_name_for("Analysis") == "analyses");
  CHECK(table_name_for("Datum") == "data");
  CHECK(table_name_for("Quiz") == "quizzes");
  CHECK(table_name_for("Day") == "days");
  CHECK(table_name_for("Fish") == "fish");
  CHECK(table_name_for("Index") == "indices");
  CHECK(table_name_for("Mouse") == "mice");
  CHECK(table_name_for("Address") == "addresses");
  CHECK(table_name_for("Business") == "businesses");
  CHECK(table_name_for("SearchIndex") == "search_indices");
  CHECK(table_name_for("Admin::UserStatus") == "user_statuses");
}

// Rails' suffix rules that stitch must not over-apply: words that merely end like an
// irregular or special word.
TEST_CASE("pluralize applies Rails' suffix rules only where Rails does", "[naming]") {
  // Rails: /(m)an$/i and /(p)erson$/i match any word ending so.
  CHECK(pluralize("woman") == "women");
  CHECK(pluralize("salesperson") == "salespeople");
  CHECK(pluralize("grandchild") == "grandchildren");
  // Rails: /^(m|l)ouse$/i matches the whole word only.
  CHECK(pluralize("blouse") == "blouses");
  CHECK(pluralize("house") == "houses");
  // Rails has no rule for a final z other than quiz.
  CHECK(pluralize("buzz") == "buzzs");
}
