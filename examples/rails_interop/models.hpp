#pragma once
// The classifier's models as a Rails application declares them
// (../shared/bench/activerecord/models.rb, the columns of ../shared/bench/schema.sql): the
// benchmark's models, in the layout Rails uses (single_table), which are exactly that
// declaration in stitch. One declaration serves both, so the benchmark measures the models
// that stitch-graph checks against ActiveRecord.
//
//   data_sources (DataSource < CsvFile, Socrata)  1─*  fields  1─*  unique_values
//        └──────── comments (polymorphic: a data source or a field) ────────┘

#include "../../benchmarks/models.hpp"

#if STITCH_BENCH_LAYOUT_JOINED
#error "stitch-graph uses the Rails layout: single_table"
#endif

namespace rails {
using namespace bench::sti;  // NOLINT(google-build-using-namespace): the models, as rails::
}  // namespace rails
