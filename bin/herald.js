#!/usr/bin/env node
// The installed `herald` command: runs the compiled CLI.
import '../dist/cli.js';
