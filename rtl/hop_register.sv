// SPDX-License-Identifier: Apache-2.0
// A v1model register array (and the memory behind a counter, whose cell the pipeline writes as
// its read value plus an increment) at one packet per clock with sequential semantics: every
// read sees every write made before it, even the previous packet's, without a stall.
//
// Pipeline port. Cycle 0: `rd_valid` with `rd_idx` (the stage's bundle register). Cycle 1:
// `rd_data` is the cell's value, and the stage's logic may write it back (`wr_en`, `wr_idx`,
// `wr_data`, computed from `rd_data`), so a read-modify-write costs one cycle. The memory is
// read-first: a read issued in the cycle the previous packet writes returns the old word, so the
// last write of any source (pipeline, CSR, reset walk) is held in a bypass register and replaces
// the memory's word when its index matches; writes older than that are in the memory already.
// An index at or past DEPTH reads 0 and its writes are ignored.
//
// Memory: DEPTH words of WIDTH bits, simple dual port (one read, one write a cycle), zero at
// power-up (block RAM's and UltraRAM's configuration state); 16,384 words or more are marked
// UltraRAM.
//
// CSR (BASE, SPAN bytes), 32-bit words:
//   0x00 INFO   RO  [31] busy (a command pending), [23:0] DEPTH
//   0x04 WIDTH  RO  [15:0] WIDTH
//   0x08 INDEX  RW  the cell of the next READ / WRITE
//   0x0C CMD    WO  1 READ: the cell into DATA (one snapshot); 2 WRITE: DATA into the cell;
//                   3 RESET: every cell to 0. Reads as INFO. A command written while busy is
//                   ignored.
//   0x10 + 4i DATA[i]  RW  the staged value, low word first (ceil(WIDTH/32) words)
// The pipeline has priority on both memory ports: a READ takes the read port in a cycle without
// a packet, a WRITE or a RESET step the write port in a cycle without a pipeline write, so a
// command waits while packets fill every cycle (at line rate on a card the link leaves idle
// cycles). A READ is forwarded like a packet's read, so it sees every write before it. `hold`
// makes every command wait while it is 1: a client whose read-modify-write spans several cycles
// (hop_meter) holds it while one is in flight, so no command falls between a read and its
// write-back; the generated pipeline ties it to 0.
`default_nettype none

module hop_register #(
    parameter int WIDTH = 32,
    parameter int DEPTH = 256,
    parameter int IDX_W = 32,
    parameter logic [31:0] BASE = 32'h0,
    parameter int SPAN = 64
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              hold,
    input  wire              rd_valid,
    input  wire  [IDX_W-1:0] rd_idx,
    output logic [WIDTH-1:0] rd_data,
    input  wire              wr_en,
    input  wire  [IDX_W-1:0] wr_idx,
    input  wire  [WIDTH-1:0] wr_data,
    input  wire              csr_wr,
    input  wire              csr_rd,
    input  wire  [     31:0] csr_addr,
    input  wire  [     31:0] csr_wdata,
    output logic [     31:0] csr_rdata
);
    localparam int AW = DEPTH > 1 ? $clog2(DEPTH) : 1;
    localparam int NW = (WIDTH + 31) / 32;
    localparam int PAD_W = NW * 32;
    localparam int SPAN_AW = $clog2(SPAN);

    initial begin
        if (WIDTH < 1 || WIDTH > 1024) $fatal(1, "%m: WIDTH must be 1..1024");
        if (DEPTH < 1 || DEPTH > 65536) $fatal(1, "%m: DEPTH must be 1..65536");
        if (IDX_W < 1 || IDX_W > 32) $fatal(1, "%m: IDX_W must be 1..32");
        if (SPAN < 4 * (4 + NW) || (SPAN & (SPAN - 1)) != 0)
            $fatal(1, "%m: SPAN must be a power of two of at least %0d bytes", 4 * (4 + NW));
        if ((BASE & (SPAN - 1)) != 0) $fatal(1, "%m: BASE must be aligned to SPAN");
    end

    // An index in range, and its memory address.
    function automatic logic in_range(input logic [IDX_W-1:0] idx);
        in_range = 33'(idx) < 33'(DEPTH);
    endfunction
    /* verilator lint_off UNUSEDSIGNAL */
    function automatic logic [AW-1:0] addr_of(input logic [IDX_W-1:0] idx);
        addr_of = AW'(idx);
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // --- CSR front end ---------------------------------------------------------------------
    localparam logic [1:0] CMD_NONE = 2'd0, CMD_READ = 2'd1, CMD_WRITE = 2'd2, CMD_RESET = 2'd3;
    logic [1:0] cmd_q;
    logic [IDX_W-1:0] index_q;
    logic [PAD_W-1:0] data_q;
    logic [AW-1:0] walk_q;
    wire hit = csr_addr[31:SPAN_AW] == BASE[31:SPAN_AW];
    wire [SPAN_AW-3:0] word = csr_addr[SPAN_AW-1:2];
    logic unused_addr;
    assign unused_addr = ^csr_addr[1:0];
    // The read issued last cycle was the CSR's: its forwarded word goes into DATA.
    logic csr_read_q;
    wire busy = cmd_q != CMD_NONE || csr_read_q;

    // Who uses the ports this cycle: the pipeline first.
    wire csr_read_go = cmd_q == CMD_READ && !rd_valid && !hold;
    wire pipe_write = wr_en && in_range(wr_idx);
    wire csr_write_go = cmd_q == CMD_WRITE && !wr_en && !hold;
    wire walk_go = cmd_q == CMD_RESET && !wr_en && !hold;

    // --- memory ------------------------------------------------------------------------------
    wire rd_en = rd_valid || csr_read_go;
    wire [IDX_W-1:0] rd_sel = rd_valid ? rd_idx : index_q;
    logic [WIDTH-1:0] mem_q;
    logic [IDX_W-1:0] rd_idx_q;

    // The write this cycle (the pipeline's, else a CSR write, else a reset step).
    logic w_en;
    logic [AW-1:0] w_addr;
    logic [WIDTH-1:0] w_data;
    always_comb begin
        w_en = 1'b0;
        w_addr = addr_of(wr_idx);
        w_data = wr_data;
        if (pipe_write) begin
            w_en = 1'b1;
        end else if (csr_write_go) begin
            w_en = in_range(index_q);
            w_addr = addr_of(index_q);
            w_data = data_q[WIDTH-1:0];
        end else if (walk_go) begin
            w_en = 1'b1;
            w_addr = walk_q;
            w_data = '0;
        end
        if (rst) w_en = 1'b0;  // nothing is written during reset, whatever the inputs hold
    end

    always_ff @(posedge clk) if (rd_en) rd_idx_q <= rd_sel;

    // Block RAM and UltraRAM are zero after configuration; the simulation starts the same way.
    if (DEPTH >= 16384) begin : gen_ultra
        (* ram_style = "ultra" *) logic [WIDTH-1:0] mem[DEPTH];
`ifdef VERILATOR
        initial for (int i = 0; i < DEPTH; i++) mem[i] = '0;
`endif
        always_ff @(posedge clk) begin
            if (rd_en) mem_q <= mem[addr_of(rd_sel)];
            if (w_en) mem[w_addr] <= w_data;
        end
    end else begin : gen_block
        (* ram_style = "block" *) logic [WIDTH-1:0] mem[DEPTH];
`ifdef VERILATOR
        initial for (int i = 0; i < DEPTH; i++) mem[i] = '0;
`endif
        always_ff @(posedge clk) begin
            if (rd_en) mem_q <= mem[addr_of(rd_sel)];
            if (w_en) mem[w_addr] <= w_data;
        end
    end

    // --- bypass: the last write ----------------------------------------------------------
    logic byp_valid_q;
    logic [AW-1:0] byp_addr_q;
    logic [WIDTH-1:0] byp_data_q;
    always_ff @(posedge clk) begin
        if (rst) byp_valid_q <= 1'b0;
        else if (w_en) byp_valid_q <= 1'b1;
        if (w_en) begin
            byp_addr_q <= w_addr;
            byp_data_q <= w_data;
        end
    end

    always_comb begin
        if (!in_range(rd_idx_q)) rd_data = '0;
        else if (byp_valid_q && byp_addr_q == addr_of(rd_idx_q)) rd_data = byp_data_q;
        else rd_data = mem_q;
    end

    // --- commands ----------------------------------------------------------------------------
    always_ff @(posedge clk) begin
        if (rst) begin
            cmd_q <= CMD_NONE;
            csr_read_q <= 1'b0;
            walk_q <= '0;
            index_q <= '0;
        end else begin
            csr_read_q <= csr_read_go;
            if (csr_read_q) data_q <= PAD_W'(rd_data);
            case (cmd_q)
                CMD_READ: if (csr_read_go) cmd_q <= CMD_NONE;
                CMD_WRITE: if (csr_write_go) cmd_q <= CMD_NONE;
                CMD_RESET:
                if (walk_go) begin
                    walk_q <= walk_q + 1'b1;
                    if (32'(walk_q) == 32'(DEPTH - 1)) cmd_q <= CMD_NONE;
                end
                default: ;
            endcase
            if (csr_wr && hit) begin
                if (word == 2) index_q <= IDX_W'(csr_wdata);
                if (word == 3 && !busy) begin
                    cmd_q <= csr_wdata[1:0];
                    walk_q <= '0;
                end
                for (int i = 0; i < NW; i++)
                    if (32'(word) == 32'(4 + i)) data_q[32*i+:32] <= csr_wdata;
            end
        end
    end

    // The READ's word lands in DATA the cycle after the read: busy stays up for it.
    always_ff @(posedge clk) begin
        csr_rdata <= '0;
        if (csr_rd && hit) begin
            case (32'(word))
                0, 3: csr_rdata <= {busy, 7'd0, 24'(DEPTH)};
                1: csr_rdata <= 32'(WIDTH);
                2: csr_rdata <= 32'(index_q);
                default:
                for (int i = 0; i < NW; i++)
                    if (32'(word) == 32'(4 + i)) csr_rdata <= data_q[32*i+:32];
            endcase
        end
    end
endmodule

`resetall
