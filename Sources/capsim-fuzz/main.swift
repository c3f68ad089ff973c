import ScenarioFuzzing

FuzzCommand.main()
