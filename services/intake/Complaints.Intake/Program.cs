await Complaints.Intake.IntakeHost.Build(args).RunAsync();
