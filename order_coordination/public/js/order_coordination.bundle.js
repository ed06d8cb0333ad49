import "./coordination_panel.js";
import "./report_filters.js";
import "./doorstep_proof.js";
