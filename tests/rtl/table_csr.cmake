# SPDX-License-Identifier: Apache-2.0
# hop_table_csr, the CSR front end of the exact / direct / ternary table blocks, on its own: each
# staging layout (no key, key, key and mask) at narrow and wide fields, against a reference
# model written from runtime/tables/table_csr.hpp; its word offsets checked equal to that header.
function(hop_table_csr_test suffix)
    cmake_parse_arguments(ARG "" "KIND;KEYS;KEY_W;ACTION_W;PARAM_W;DEPTH;INDEX_W;BASE;DEFAULT;SEED"
                          "" ${ARGN})
    set(name hop_table_csr${suffix})
    hop_rtl_test(hop_table_csr SUFFIX ${suffix}
        PARAMS -GKIND=${ARG_KIND} -GKEYS=${ARG_KEYS} -GKEY_W=${ARG_KEY_W}
               -GACTION_W=${ARG_ACTION_W} -GPARAM_W=${ARG_PARAM_W} -GDEPTH=${ARG_DEPTH}
               -GINDEX_W=${ARG_INDEX_W} -GBASE=${ARG_BASE} -GDEFAULT_ACTION=${ARG_DEFAULT})
    target_compile_definitions(${name}_test PRIVATE
        FE_KIND=${ARG_KIND} FE_KEYS=${ARG_KEYS} FE_KEY_W=${ARG_KEY_W} FE_ACTION_W=${ARG_ACTION_W}
        FE_PARAM_W=${ARG_PARAM_W} FE_DEPTH=${ARG_DEPTH} FE_INDEX_W=${ARG_INDEX_W}
        FE_BASE=${ARG_BASE}u FE_DEFAULT_ACTION=${ARG_DEFAULT}u FE_SEED=${ARG_SEED}
        FE_CLASS=V${name}_hop_table_csr FE_CLASS_HEADER="V${name}_hop_table_csr.h"
        FE_ROOT_HEADER="V${name}___024root.h")
    target_link_libraries(${name}_test PRIVATE hop_tables)
endfunction()

# As hop_table_direct: no key words, a parameter spanning two words.
hop_table_csr_test(_k0 KIND 2 KEYS 0 KEY_W 7 ACTION_W 2 PARAM_W 33 DEPTH 128 INDEX_W 7
                   BASE 256 DEFAULT 1 SEED 1)
# As hop_table_exact: a three-word key.
hop_table_csr_test(_k1 KIND 1 KEYS 1 KEY_W 72 ACTION_W 5 PARAM_W 9 DEPTH 32 INDEX_W 5
                   BASE 0 DEFAULT 0 SEED 2)
# As hop_table_ternary: value and mask, full-width action and parameter words.
hop_table_csr_test(_k2 KIND 3 KEYS 2 KEY_W 36 ACTION_W 32 PARAM_W 64 DEPTH 4096 INDEX_W 12
                   BASE 8192 DEFAULT 5 SEED 3)
# One-bit fields everywhere.
hop_table_csr_test(_k2n KIND 3 KEYS 2 KEY_W 1 ACTION_W 1 PARAM_W 1 DEPTH 2 INDEX_W 1
                   BASE 65536 DEFAULT 1 SEED 4)
